/**
 * The demo page: wires the form, the walkthrough and the views. Everything the page shows comes from the
 * walkthrough's state, which comes from the client's events and the recorded HTTP exchanges.
 */
import { popupAuthorize, type AuthorizationHandler } from 'mcp-authed-client';
import { connectMockControls, type MockControls } from './mock-controls.js';
import { STEPS, type StepId } from './steps.js';
import { renderPanels } from './view/panels.js';
import { renderSequence } from './view/sequence.js';
import { renderTimeline } from './view/timeline.js';
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
const restartButton = $<HTMLButtonElement>('restart');
const statusLine = $('status');
const panels = $('panels');
const sequence = $('sequence');
const timeline = $('timeline');
const variants = $('variants');
const presetSelect = $<HTMLSelectElement>('preset');
const serverNote = $('server-note');

const EMBEDDED_MCP_URL = new URL('/mcp', location.origin).href;
const REDIRECT_URI = new URL('callback.html', location.href).href;

let controls: MockControls | undefined;
let releaseNext: (() => void) | undefined;
type SignIn = AuthorizationHandler & { prepare(): void; release(): void };
let currentAuthorize: SignIn | undefined;
/** The static build's in-page sign-in (no popup: a service worker cannot serve a navigation). */
let embeddedSignIn: SignIn | undefined;
let running = false;
let renderQueued = false;
let walkthrough = newWalkthrough();

function newWalkthrough(): Walkthrough {
  return new Walkthrough({
    mcpUrl: urlInput.value || EMBEDDED_MCP_URL,
    redirectUri: REDIRECT_URI,
    hooks: controls ? { expireAccessTokens: () => controls?.expireAccessTokens() ?? Promise.resolve() } : {},
    onChange: scheduleRender,
    ...(stepMode.checked ? { waitForNext } : {}),
    waitForClick: (step) => waitForNext(step, embeddedSignIn ? '' : ' (opens the sign-in window)'),
    signIn: embeddedSignIn ? 'in-page' : 'popup',
  });
}

/** Step-by-step mode: the next request waits for the button. */
function waitForNext(step: StepId, why = ''): Promise<void> {
  const title = STEPS.find((info) => info.id === step)?.title ?? step;
  nextButton.disabled = false;
  nextButton.dataset['step'] = step;
  nextButton.textContent = `Next step: ${title}${why}`;
  if (why) say(`Waiting for you: the ${title.toLowerCase()} step needs your click${why}.`);
  nextButton.focus();
  return new Promise<void>((resolve) => {
    releaseNext = () => {
      releaseNext = undefined;
      nextButton.disabled = true;
      nextButton.textContent = 'Next step';
      resolve();
    };
  });
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
  renderPanels(panels, walkthrough.steps, isOtherOrigin());
  renderSequence(sequence, walkthrough.arrows);
  renderTimeline(timeline, walkthrough.marks, Date.now());
  document.body.dataset['phase'] = walkthrough.phase;
}

function isOtherOrigin(): boolean {
  return URL.canParse(urlInput.value) && new URL(urlInput.value).origin !== location.origin;
}

function say(text: string): void {
  statusLine.textContent = text;
}

/** Forgets what earlier runs stored in this tab, so each run starts from a cold client. */
function clearClientStorage(): void {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith('mcp-authed-client/')) sessionStorage.removeItem(key);
  }
}

/** The mock's controls change the server under a running walkthrough: only between runs. */
function setControlsEnabled(enabled: boolean): void {
  for (const id of ['apply-preset', 'clock', 'fault', 'reset-mock'])
    $<HTMLButtonElement>(id).disabled = !enabled;
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
  render();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (running) return;
  if (!form.reportValidity()) return;
  // Made here, inside the click: the sign-in popup opens now, which popup blockers allow.
  const authorize =
    embeddedSignIn ?? popupAuthorize({ connectingText: 'Discovering the authorization server…' });
  currentAuthorize = authorize;
  running = true;
  runButton.disabled = true;
  clearClientStorage();
  walkthrough = newWalkthrough();
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
  // Inside the click: a step that signs in again gets its window now, which popup blockers allow.
  if (nextButton.dataset['step'] === 'step-up') currentAuthorize?.prepare();
  releaseNext?.();
});
restartButton.addEventListener('click', () => {
  void startOver().then(() => say('Ready.'));
});

urlInput.addEventListener('change', () => {
  void setUpServer().then(startOver);
});

$('apply-preset').addEventListener('click', () => {
  const name = presetSelect.value;
  void controls
    ?.usePreset(name)
    .then(startOver)
    .then(() => say(`The mock now behaves as "${name}". Run the walkthrough to see what the client does.`))
    .catch((error: unknown) => say(`Could not apply the variant: ${String(error)}`));
});
$('clock').addEventListener('click', () => {
  void controls
    ?.advanceClock(3600)
    .then(() => say("The mock's clock moved one hour on: its codes and tokens aged accordingly."));
});
$('fault').addEventListener('click', () => {
  void controls
    ?.failNext('token', 503, 'temporarily_unavailable')
    .then(() => say('The next token request will fail with 503 temporarily_unavailable.'));
});
$('reset-mock').addEventListener('click', () => {
  void controls
    ?.reset()
    .then(startOver)
    .then(() => say('The mock is back to its initial settings, with no clients or tokens.'));
});

/** Finds out whether the URL is the embedded mock (whose controls are then offered). */
async function setUpServer(): Promise<void> {
  controls = isOtherOrigin() ? undefined : await connectMockControls(location.origin);
  variants.hidden = controls === undefined;
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
    document.body.dataset['ready'] = 'true';
    say('Ready: press “Run the walkthrough”.');
  });
