/** Runs one case of the corpus against a server and records its normalised responses. */
import type { FidelityCase } from './corpus.js';
import { normaliseResponse, type RecordedResponse } from './normalise.js';
import type { Capture, WireResponse, WireSend, WireStep } from './wire.js';

function fill(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values.get(name) ?? whole);
}

function captureValue(capture: Capture, response: WireResponse): string | undefined {
  const header = (name: string): string | undefined => response.headers.find(([key]) => key === name)?.[1];
  if (capture.from === 'header') return header(capture.key);
  if (capture.from === 'location') {
    const location = header('location');
    return location === undefined || !URL.canParse(location)
      ? undefined
      : (new URL(location).searchParams.get(capture.key) ?? undefined);
  }
  try {
    const value: unknown = (JSON.parse(response.body) as Record<string, unknown>)[capture.key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function encodeBody(step: WireStep, values: ReadonlyMap<string, string>): Uint8Array | undefined {
  if (step.bytes !== undefined) return Uint8Array.from(step.bytes);
  return step.body === undefined ? undefined : new TextEncoder().encode(fill(step.body, values));
}

/** `{{basic}}`: the client's id and secret as RFC 6749 §2.3.1 Basic credentials, once both are known. */
function setBasicCredentials(values: Map<string, string>): void {
  const id = values.get('client_id');
  const secret = values.get('client_secret');
  if (id === undefined || secret === undefined) return;
  values.set('basic', btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`));
}

/** Sends the case's steps in order; values captured by a step fill the placeholders of the later ones. */
export async function runCase(fidelityCase: FidelityCase, send: WireSend): Promise<RecordedResponse[]> {
  const values = new Map<string, string>();
  const recorded: RecordedResponse[] = [];
  for (const step of fidelityCase.steps) {
    const response = await send({
      method: step.method,
      path: fill(step.path, values),
      headers: Object.entries(step.headers ?? {}).map(
        ([name, value]) => [name, fill(value, values)] as const,
      ),
      body: encodeBody(step, values),
      stream: step.stream === true,
    });
    for (const capture of step.capture ?? []) {
      const value = captureValue(capture, response);
      if (value !== undefined) values.set(capture.name, value);
    }
    setBasicCredentials(values);
    recorded.push(normaliseResponse(response, values));
  }
  return recorded;
}
