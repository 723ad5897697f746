import type { Readable } from 'node:stream';

/** What an export put into the data bucket. */
export interface StoredData {
  key: string;
  size: number;
  /** sha256 of the whole stream, hex. */
  sha256: string;
  parts: number;
}

/** Moves instance data between hosts: a stream in under a key on one host, out on another. */
export interface DataTransfer {
  upload(key: string, source: Readable, progress?: (bytes: number) => void): Promise<StoredData>;
  /** The stored stream; the caller must consume it. Resolves once the data is verified and ready. */
  download(
    key: string,
    progress?: (bytes: number) => void,
  ): Promise<{ stream: Readable; done: () => Promise<void> }>;
  /** A small JSON document stored whole under `key` (an index), or undefined when none is. */
  readDocument(key: string): Promise<unknown>;
  writeDocument(key: string, document: unknown): Promise<void>;
  /** Deletes what an upload stored under `key`, its parts included; nothing there, nothing done. */
  remove(key: string): Promise<void>;
}
