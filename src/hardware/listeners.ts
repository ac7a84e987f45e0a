/** A minimal listener set: transports use it for data and disconnect notifications. */
export class Listeners<T> {
  private readonly fns = new Set<(value: T) => void>();

  /** Returns the unsubscribe function. */
  add(fn: (value: T) => void): () => void {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  /** A throwing listener must not break the producer (e.g. a serial read loop): its error is rethrown asynchronously. */
  emit(value: T): void {
    for (const fn of [...this.fns]) {
      try {
        fn(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.fns.clear();
  }
}
