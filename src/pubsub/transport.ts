import type { TypedEvent, TypedEventTarget } from '@graphql-yoga/typed-event-target';

/**
 * How events travel between the instances sharing a database: an EventTarget whose
 * `dispatchEvent` reaches the listeners of every instance (this one included), plus what the
 * event system needs to know about the connection behind it.
 */
export interface EventTransport extends TypedEventTarget<TypedEvent> {
  /** Resolves once events from other instances are arriving, so nothing published later is missed. */
  ready(): Promise<void>;
  /** Whether events from other instances are arriving now. */
  isListening(): boolean;
  /** Resolves once the listeners added so far receive what other instances publish. */
  settled(): Promise<void>;
  /**
   * Calls `listener` each time the connection that receives events is (re)established:
   * what was published while it was down is lost, so state derived from events is re-read then.
   */
  onConnected(listener: () => void): () => void;
  /** How many instances receive events of `topic` now (this one included). */
  listeners(topic: string): Promise<number>;
  close(): Promise<void>;
}
