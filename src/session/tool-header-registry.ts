/**
 * What the client learnt from `tools/list` about header annotations, shared by the transport (which reads the lists
 * and leaves invalid tools out) and the fetch below it (which adds `Mcp-Param-*` headers to `tools/call`).
 */
import { asJsonObject } from '../json.js';
import { parameterHeaders, toolHeaderAnnotations } from './tool-headers.js';
import type { HeaderParameter } from './tool-headers.js';

/** A tool left out of a `tools/list` result, and why. */
export interface RejectedTool {
  readonly name: string;
  readonly reason: string;
}

export class ToolHeaderRegistry {
  readonly #parameters = new Map<string, readonly HeaderParameter[]>();
  readonly #rejected = new Map<string, string>();

  /**
   * Reads one page of `tools/list`: returns the tools to show (invalid ones left out, the others untouched, so
   * their schemas stay as the server wrote them) and the rejected ones.
   */
  learn(tools: readonly unknown[]): { kept: unknown[]; rejected: RejectedTool[] } {
    const kept: unknown[] = [];
    const rejected: RejectedTool[] = [];
    for (const tool of tools) {
      const name = asJsonObject(tool)?.['name'];
      if (typeof name !== 'string') {
        kept.push(tool);
        continue;
      }
      const annotations = toolHeaderAnnotations(asJsonObject(tool)?.['inputSchema']);
      if (annotations.valid) {
        this.#parameters.set(name, annotations.parameters);
        this.#rejected.delete(name);
        kept.push(tool);
      } else {
        this.#parameters.delete(name);
        this.#rejected.set(name, annotations.reason);
        rejected.push({ name, reason: annotations.reason });
      }
    }
    return { kept, rejected };
  }

  /** Whether a `tools/list` result named `name` (valid or not). */
  knows(name: string): boolean {
    return this.#parameters.has(name) || this.#rejected.has(name);
  }

  /** Why `name` was left out of `tools/list`, if it was. */
  rejection(name: string): string | undefined {
    return this.#rejected.get(name);
  }

  /** The `Mcp-Param-*` headers of a call of `name` with `args` (none for a tool never listed). */
  headersFor(name: string, args: unknown): [string, string][] {
    const parameters = this.#parameters.get(name);
    return parameters ? parameterHeaders(parameters, args) : [];
  }
}
