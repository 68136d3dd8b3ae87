import { getToken, request, type WireResponse } from './http.js'
import type { Credential, QuireServer } from './server.js'

export interface DocumentStatus {
  uuid: string
  name: string
  status: string
  rejection_reason: string | null
  rejection_reason_description: string | null
}

/** The v1 calls the end-to-end tests make, with a bearer token, over real HTTP. */
export class Api {
  private constructor(
    readonly server: QuireServer,
    readonly token: string,
  ) {}

  static async as(server: QuireServer, credential: Credential): Promise<Api> {
    return new Api(server, await getToken(server.baseUrl, credential))
  }

  call(method: string, url: string, body?: unknown): Promise<WireResponse> {
    return request(`${this.server.baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
  }

  async addBook(name: string): Promise<{ pk: number; uuid: string }> {
    const response = await this.call('POST', '/v1/book/add', { name })
    if (response.status !== 200) throw new Error(`book/add: ${JSON.stringify(response.body)}`)
    return (response.body as { response: { pk: number; uuid: string } }).response
  }

  /** POST /v1/book/upload of one PDF, as any multipart client sends it. */
  upload(bookPk: number, name: string, content: Buffer): Promise<WireResponse> {
    const form = new FormData()
    form.set('pk', String(bookPk))
    form.set('upload', new Blob([content], { type: 'application/pdf' }), name)
    return request(`${this.server.baseUrl}/v1/book/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    })
  }

  async uploaded(bookPk: number, name: string, content: Buffer): Promise<string> {
    const response = await this.upload(bookPk, name, content)
    const docs = (response.body as { response?: { uploaded_docs?: Array<{ uuid: string }> } })
      .response?.uploaded_docs
    if (response.status !== 200 || docs?.length !== 1)
      throw new Error(`upload of ${name}: ${JSON.stringify(response.body)}`)
    return (docs[0] as { uuid: string }).uuid
  }

  async documents(bookPk: number): Promise<DocumentStatus[]> {
    const response = await this.call('GET', `/v1/book/status?pk=${bookPk}`)
    if (response.status !== 200) throw new Error(`book/status: ${JSON.stringify(response.body)}`)
    const { docs, mixed_docs } = (
      response.body as { response: { docs: DocumentStatus[]; mixed_docs: DocumentStatus[] } }
    ).response
    return [...docs, ...mixed_docs]
  }
}
