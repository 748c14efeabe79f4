/** The committed recording of FastMCP's answers to the corpus, and the mock's deliberate deviations from it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecordedResponse } from './normalise.js';

export const FIXTURE_PATH = fileURLToPath(new URL('./fixtures/fastmcp.json', import.meta.url));
export const DEVIATIONS_PATH = fileURLToPath(new URL('./deviations.json', import.meta.url));

export interface Fixture {
  /** Which FastMCP the recording came from. */
  readonly recordedFrom: string;
  /** Case name → FastMCP's normalised responses, one per step. */
  readonly cases: Record<string, RecordedResponse[]>;
}

/** A case on which the mock answers differently on purpose, and why. */
export interface Deviation {
  /** Case names this deviation covers (exact). */
  readonly cases: readonly string[];
  /** Why the mock does not copy FastMCP here. */
  readonly reason: string;
}

export function readFixture(): Fixture {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Fixture;
}

export function readDeviations(): Deviation[] {
  return (JSON.parse(readFileSync(DEVIATIONS_PATH, 'utf8')) as { deviations: Deviation[] }).deviations;
}
