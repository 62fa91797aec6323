/** A value loaded on first use and kept; see {@link lazy}. */
export interface Lazy<T> {
  /** Loads on the first call; every call gets the same promise (a failed load is tried again next time). */
  (): Promise<T>;
  /** The value once it has loaded, else undefined. Never starts the load. */
  loaded(): T | undefined;
}

/**
 * Defers a load until something needs it, and does it once. Adapters load their vendor SDKs this
 * way (`const sdk = lazy(() => import('vendor-sdk'))`, awaited in connect and wherever an
 * operation needs one of its classes): every process that lists the adapters (API, workers) would
 * otherwise load every SDK at start, hundreds of MB for tools it may never call.
 *
 * `loaded()` serves the synchronous places, error classification above all: an error the SDK
 * threw (an instance of one of its classes, one of its error codes) exists only once the SDK has
 * loaded, which connect saw to before any call could throw one.
 */
export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  let value: { current: T } | undefined;
  const get = () => {
    pending ??= load().then(
      (loaded) => {
        value = { current: loaded };
        return loaded;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  return Object.assign(get, { loaded: () => value?.current });
}
