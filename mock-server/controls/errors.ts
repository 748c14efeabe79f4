/** A control the mock cannot carry out with the provider it was given. */
export class ControlUnsupportedError extends Error {
  /** Always `'ControlUnsupportedError'`. */
  override readonly name = 'ControlUnsupportedError';
  constructor(
    /** The control that was called, e.g. `revokeAllTokens`. */
    readonly control: string,
    /** The provider method it needs, e.g. `revokeTokens`. */
    readonly needs: string,
  ) {
    super(
      `mock.control.${control}() needs a provider with ${needs}() (see ProviderAdministration); ` +
        `the default InMemoryProvider has it, the custom provider given to createMockAuthServer does not`,
    );
  }
}
