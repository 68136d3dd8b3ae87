import net from 'node:net'

/**
 * HTTP/1.1 written by hand over a socket, for tests that decide when each byte of a request
 * body leaves: halfway through an upload, a server is refused or killed.
 */

/** A multipart upload of a `fileBytes`-long "PDF" into a book, handed out in pieces. */
export class SlowBody {
  readonly boundary = 'quire-slow-body'
  readonly head: Buffer
  readonly tail: Buffer
  private sent = 0

  constructor(
    bookPk: number,
    readonly fileBytes: number,
  ) {
    this.head = Buffer.from(
      `--${this.boundary}\r\nContent-Disposition: form-data; name="pk"\r\n\r\n${bookPk}\r\n` +
        `--${this.boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n%PDF-1.7\n',
    )
    this.tail = Buffer.from(`\r\n--${this.boundary}--\r\n`)
  }

  get length(): number {
    return this.head.length + this.fileBytes + this.tail.length
  }

  piece(size: number): Buffer {
    this.sent += size
    return Buffer.alloc(size, 0x20)
  }

  rest(): Buffer {
    return Buffer.concat([Buffer.alloc(this.fileBytes - this.sent, 0x20), this.tail])
  }
}

/** The request line and headers of POST /v1/book/upload carrying `body`. */
export function uploadHead(port: number, token: string, body: SlowBody): string {
  return (
    `POST /v1/book/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Authorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${body.boundary}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`
  )
}

/**
 * HTTP/1.1 over a bare socket, so the test decides exactly when each byte of a body is sent
 * (an HTTP client library would send it on its own schedule). Reads Content-Length answers.
 */
export class RawClient {
  private buffer = Buffer.alloc(0)
  private waiting: (() => void) | undefined

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (data) => {
      this.buffer = Buffer.concat([this.buffer, data])
      this.waiting?.()
    })
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  write(data: string | Buffer): void {
    this.socket.write(data)
  }

  async response(): Promise<{ status: number; body: string }> {
    for (;;) {
      const parsed = this.take()
      if (parsed !== undefined) return parsed
      await new Promise<void>((resolve) => (this.waiting = resolve))
    }
  }

  close(): void {
    this.socket.destroy()
  }

  private take(): { status: number; body: string } | undefined {
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0) return undefined
    const head = this.buffer.subarray(0, end).toString('latin1')
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0)
    if (this.buffer.length < end + 4 + length) return undefined

    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')
    this.buffer = this.buffer.subarray(end + 4 + length)
    return { status: Number(head.split(' ')[1]), body }
  }
}
