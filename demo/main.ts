/**
 * The demo page: wires the form, the walkthrough and the views. Everything the page shows comes from the
 * walkthrough's state, which comes from the client's events and the recorded HTTP exchanges.
 */
import { popupAuthorize, type AuthorizationHandler } from 'mcp-authed-client';
import { readIdentity, showIdentityFields, suggestIdentity, type IdentityContext } from './identity-form.js';
import { connectMockControls, type MockControls } from './mock-controls.js';
import { describePreset } from './presets.js';
import { STEPS, type StepId } from './steps.js';
import { setText } from './view/dom.js';
import { renderPanels } from './view/panels.js';
import { renderSequence } from './view/sequence.js';
import { formatDuration, renderTimeline } from './view/timeline.js';
import { Walkthrough } from './walkthrough.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

const form = $<HTMLFormElement>('setup');
const urlInput = $<HTMLInputElement>('url');
const stepMode = $<HTMLInputElement>('step-mode');
const runButton = $<HTMLButtonElement>('run');
const nextButton = $<HTMLButtonElement>('next');
const nextWhat = $('next-what');
const restartButton = $<HTMLButtonElement>('restart');
const statusLine = $('status');
const panels = $('panels');
const sequence = $('sequence');
const timeline = $('timeline');
const variants = $('variants');
const presetSelect = $<HTMLSelectElement>('preset');
const presetDescription = $('preset-description');
const serverNote = $('server-note');

const EMBEDDED_MCP_URL = new URL('/mcp', location.origin).href;
const REDIRECT_URI = new URL('callback.html', location.href).href;
/** What "Next step" says under its label while nothing waits for it. */
const NOTHING_WAITING = 'nothing is waiting';
/** How far "Advance the mock's clock" moves it: the mock's access tokens live one hour. */
const CLOCK_STEP_SECONDS = 3600;

let controls: MockControls | undefined;
let releaseNext: (() => void) | undefined;
type SignIn = AuthorizationHandler & { prepare(): void; release(): void };
let currentAuthorize: SignIn | undefined;
/** The static build's in-page sign-in (no popup: a service worker cannot serve a navigation). */
let embeddedSignIn: SignIn | undefined;
let running = false;
/** Whether the run in progress pauses before each step (read once, when it starts). */
let pausing = false;
let renderQueued = false;
let walkthrough = newWalkthrough();

function newWalkthrough(): Walkthrough {
  pausing = stepMode.checked;
  return new Walkthrough({
    mcpUrl: urlInput.value || EMBEDDED_MCP_URL,
    redirectUri: REDIRECT_URI,
    identity: readIdentity(form, identityContext()),
    hooks: controls ? { expireAccessTokens: () => controls?.expireAccessTokens() ?? Promise.resolve() } : {},
    onChange: scheduleRender,
    ...(pausing ? { waitForNext } : {}),
    waitForClick: (step) => waitForNext(step),
    signIn: embeddedSignIn ? 'in-page' : 'popup',
  });
}

function identityContext(): IdentityContext {
  return { embeddedMock: controls !== undefined, redirectUri: REDIRECT_URI };
}

/** Whether the click that releases `step` must open the sign-in window (popup blockers want it opened there). */
function opensSignInWindow(step: StepId): boolean {
  if (embeddedSignIn) return false;
  // Step by step, the window opens at the consent pause; straight through, the step-up click opens it ahead.
  return step === 'consent' || (step === 'step-up' && !pausing);
}

/** Waits for the "Next step" button, saying what comes next. */
function waitForNext(step: StepId): Promise<void> {
  const title = STEPS.find((info) => info.id === step)?.title ?? step;
  const opens = opensSignInWindow(step);
  nextButton.disabled = false;
  nextButton.dataset['step'] = step;
  setText(nextWhat, opens ? `${title}: opens the sign-in window` : title);
  nextButton.title = nextWhat.textContent ?? '';
  say(pauseMessage(step, title, opens, walkthrough.reveal));
  nextButton.focus();
  return new Promise<void>((resolve) => {
    releaseNext = () => {
      releaseNext = undefined;
      nextButton.disabled = true;
      delete nextButton.dataset['step'];
      setText(nextWhat, NOTHING_WAITING);
      nextButton.title = '';
      say('Running…');
      resolve();
    };
  });
}

/** What the status line says at a pause; `shown` is the panel the walkthrough opened for the person. */
function pauseMessage(step: StepId, title: string, opens: boolean, shown: StepId | undefined): string {
  const where = shown ? ` in step ${STEPS.findIndex((info) => info.id === shown) + 1}` : '';
  if (step === 'consent')
    return `Paused before consent: the request is listed${where}. “Next step” ${opens ? 'opens the sign-in window' : 'sends it'}.`;
  if (step === 'callback')
    return `Paused: the callback is listed${where}. “Next step” lets the client check it.`;
  return opens
    ? `Waiting for you: “Next step” opens the sign-in window for the ${title.toLowerCase()}.`
    : `Paused before “${title}”.`;
}

function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render(): void {
  renderPanels(panels, walkthrough.steps, { corsHelp: isOtherOrigin(), reveal: walkthrough.reveal });
  renderSequence(sequence, walkthrough.arrows);
  renderTimeline(timeline, walkthrough.marks, Date.now());
  document.body.dataset['phase'] = walkthrough.phase;
}

function isOtherOrigin(): boolean {
  return URL.canParse(urlInput.value) && new URL(urlInput.value).origin !== location.origin;
}

function say(text: string): void {
  setText(statusLine, text);
}

/** Forgets what earlier runs stored in this tab, so each run starts from a cold client. */
function clearClientStorage(): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith('mcp-authed-client/')) sessionStorage.removeItem(key);
  }
}

/**
 * Presets and reset swap the server under a run, so they wait for the run to end; the clock and faults are what a
 * running client is meant to meet.
 */
function setControlsEnabled(enabled: boolean): void {
  for (const id of ['apply-preset', 'reset-mock']) $<HTMLButtonElement>(id).disabled = !enabled;
}

async function startOver(): Promise<void> {
  await walkthrough.cancel();
  releaseNext?.();
  currentAuthorize?.release();
  clearClientStorage();
  walkthrough = newWalkthrough();
  running = false;
  runButton.disabled = false;
  nextButton.disabled = true;
  setControlsEnabled(true);
  delete document.body.dataset['outcome'];
  render();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (running) return;
  if (!form.reportValidity()) return;
  // Made here, inside the click: straight through, the sign-in popup opens now, which popup blockers allow; step
  // by step, the click at the consent pause opens it.
  const authorize =
    embeddedSignIn ??
    popupAuthorize({ connectingText: 'Discovering the authorization server…', openNow: !stepMode.checked });
  currentAuthorize = authorize;
  running = true;
  runButton.disabled = true;
  clearClientStorage();
  walkthrough = newWalkthrough();
  delete document.body.dataset['outcome'];
  say('Running…');
  setControlsEnabled(false);
  const run = walkthrough;
  void run.run(authorize).then((finished) => {
    // A run that was started over has nothing more to say.
    if (run !== walkthrough || run.cancelled) return;
    setControlsEnabled(true);
    running = false;
    runButton.disabled = false;
    nextButton.disabled = true;
    say(
      finished
        ? 'Walkthrough complete: signed in, called tools, stepped up, refreshed and signed out.'
        : 'The walkthrough stopped: see the step marked failed.',
    );
    document.body.dataset['outcome'] = finished ? 'complete' : 'stopped';
  });
});

nextButton.addEventListener('click', () => {
  const step = nextButton.dataset['step'] as StepId | undefined;
  // Inside the click: a step that opens the sign-in window gets it now, which popup blockers allow.
  if (step && opensSignInWindow(step)) currentAuthorize?.prepare();
  releaseNext?.();
});
restartButton.addEventListener('click', () => {
  void startOver().then(() => say('Ready.'));
});

urlInput.addEventListener('change', () => {
  void setUpServer().then(startOver);
});

// The identity is read when a run starts: a change shows its fields now and applies to the next run.
form.addEventListener('change', (event) => {
  if (event.target instanceof HTMLInputElement && event.target.name === 'identity')
    showIdentityFields(form, identityContext());
});

presetSelect.addEventListener('change', () => setText(presetDescription, describePreset(presetSelect.value)));

$('apply-preset').addEventListener('click', () => {
  const name = presetSelect.value;
  void controls
    ?.usePreset(name)
    .then(startOver)
    .then(() => say(`The mock now behaves as “${name}”. Run the walkthrough to see what the client does.`))
    .catch((error: unknown) => say(`Could not apply the variant: ${String(error)}`));
});
$('clock').addEventListener('click', () => {
  const current = walkthrough;
  void controls
    ?.advanceClock(CLOCK_STEP_SECONDS)
    .then(() => {
      const advanceMs = CLOCK_STEP_SECONDS * 1000;
      current.addMark({
        at: Date.now(),
        label: `the mock’s clock jumped ${formatDuration(advanceMs)} ahead`,
        kind: 'clock',
        advanceMs,
      });
      say(`The mock’s clock moved ${formatDuration(advanceMs)} on: its codes and tokens aged as much.`);
    })
    .catch((error: unknown) => say(`Could not move the clock: ${String(error)}`));
});
$('fault').addEventListener('click', () => {
  void controls
    ?.failNext('token', 503, 'temporarily_unavailable')
    .then(() => say('The next token request will fail with 503 temporarily_unavailable.'))
    .catch((error: unknown) => say(`Could not add the fault: ${String(error)}`));
});
$('reset-mock').addEventListener('click', () => {
  void controls
    ?.reset()
    .then(startOver)
    .then(() => say('The mock is back to its initial settings, with no clients or tokens but its own.'))
    .catch((error: unknown) => say(`Could not reset the mock: ${String(error)}`));
});

/** Finds out whether the URL is the embedded mock (whose controls are then offered). */
async function setUpServer(): Promise<void> {
  controls = isOtherOrigin() ? undefined : await connectMockControls(location.origin);
  variants.hidden = controls === undefined;
  suggestIdentity(form, identityContext());
  if (!controls) {
    serverNote.textContent = isOtherOrigin()
      ? 'Any MCP server works: its authorization server and the MCP endpoint must allow this origin (CORS), and the sign-in page opens in a popup.'
      : '';
    return;
  }
  serverNote.textContent = embeddedSignIn
    ? 'The embedded mock of FastMCP’s authorization server, running in this page behind a service worker (static build: consent is given in the page, not in a popup).'
    : 'The embedded mock of FastMCP’s authorization server, served by this page’s dev server.';
  const state = await controls.state();
  presetSelect.replaceChildren(
    ...state.presets.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      option.selected = name === (state.preset ?? 'latest');
      return option;
    }),
  );
  setText(presetDescription, describePreset(presetSelect.value));
}

const themeButton = $<HTMLButtonElement>('theme');
function applyTheme(theme: 'light' | 'dark'): void {
  document.documentElement.dataset['theme'] = theme;
  themeButton.setAttribute('aria-pressed', String(theme === 'dark'));
  themeButton.textContent = theme === 'dark' ? 'Light theme' : 'Dark theme';
}
applyTheme(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
themeButton.addEventListener('click', () =>
  applyTheme(document.documentElement.dataset['theme'] === 'dark' ? 'light' : 'dark'),
);

urlInput.value = new URLSearchParams(location.search).get('server') ?? EMBEDDED_MCP_URL;
setInterval(() => renderTimeline(timeline, walkthrough.marks, Date.now()), 1000);
/** The static build brings its own server: the mock in this page, behind msw's service worker. */
async function startStaticMock(): Promise<void> {
  if (import.meta.env.MODE !== 'static') return;
  const { startEmbeddedMock } = await import('./embedded-mock.js');
  embeddedSignIn = await startEmbeddedMock();
}

void startStaticMock()
  .then(setUpServer)
  .then(() => {
    walkthrough = newWalkthrough();
    render();
    setText(nextWhat, NOTHING_WAITING);
    document.body.dataset['ready'] = 'true';
    say('Ready: press “Run the walkthrough”.');
  });
