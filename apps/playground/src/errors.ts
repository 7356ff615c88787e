/** An error in what the user typed that lintra never saw (no function, no arguments). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** What the error panel shows: the error's class and its message. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
}

/** Anything thrown, as a class name and a message (a thrown non-Error included). */
export function describeError(e: unknown): ErrorInfo {
  if (e instanceof Error) return { name: e.name || e.constructor.name, message: e.message };
  return { name: typeof e, message: String(e) };
}

/** The result of one stage: its value, or what it threw. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/** Run one stage, catching everything it throws. */
export function attempt<T>(stage: () => T): Outcome<T> {
  try {
    return { ok: true, value: stage() };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  }
}
