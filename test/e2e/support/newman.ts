import { createRequire } from 'node:module'

/**
 * The slice of newman's programmatic API these tests use. newman ships no type declarations
 * (and there is no @types/newman here), so its run summary is typed by hand from
 * newman/lib/run/summary.js.
 */

export interface NewmanAssertion {
  assertion: string
  skipped: boolean
  error?: { name: string; message: string }
}

export interface NewmanExecution {
  item: { name: string }
  request?: { method: string; url: unknown }
  response?: { code: number; status: string; text(): string }
  requestError?: Error
  assertions?: NewmanAssertion[]
  prerequestScript?: { error: Error }[]
  testScript?: { error: Error }[]
}

export interface NewmanFailure {
  error: { name: string; message: string; test?: string }
  at?: string
  source?: { name?: string }
}

export interface NewmanTracker {
  total: number
  pending: number
  failed: number
}

export interface NewmanSummary {
  error?: Error
  run: {
    stats: Record<
      'items' | 'requests' | 'assertions' | 'testScripts' | 'prerequestScripts',
      NewmanTracker
    >
    executions: NewmanExecution[]
    failures: NewmanFailure[]
  }
}

export interface NewmanRunOptions {
  collection: object
  environment: object
  reporters: string[]
  timeoutRequest?: number
  /** Milliseconds between requests, as `newman run --delay-request`. */
  delayRequest?: number
}

interface Newman {
  run(
    options: NewmanRunOptions,
    callback: (error: Error | null, summary: NewmanSummary) => void,
  ): unknown
}

const newman = createRequire(import.meta.url)('newman') as Newman

/** newman.run as a promise; a run-level error (not a failed assertion) rejects. */
export function runNewman(options: NewmanRunOptions): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)))
  })
}
