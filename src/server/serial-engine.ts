import type { Engine, Row } from '../store/index.js';
import type { Sql } from '../store/index.js';

/**
 * One embedded connection shared by the loader and the request handlers: calls run one after
 * the other, and a transaction holds the connection to its end, so a read never lands inside
 * the loader's transaction (where its failure would abort the load).
 */
export class SerialEngine implements Engine {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly inner: Engine) {}

  get dialect(): Engine['dialect'] {
    return this.inner.dialect;
  }

  get location(): string {
    return this.inner.location;
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  exec(query: Sql | string): Promise<void> {
    return this.run(() => this.inner.exec(query));
  }

  query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    return this.run(() => this.inner.query<T>(query));
  }

  /** `work` gets the connection itself: its statements must not queue behind the transaction. */
  transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    return this.run(() => this.inner.transaction(work));
  }

  close(): Promise<void> {
    return this.run(() => this.inner.close());
  }
}
