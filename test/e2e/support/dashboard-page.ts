import fs from 'node:fs'

import type { Page } from 'playwright-core'

import type { QuireServer } from './server.js'

/** What a browser test does on the dashboard again and again, against one running server. */
export class DashboardPage {
  constructor(
    readonly page: Page,
    readonly server: QuireServer,
  ) {}

  url(path: string): string {
    return `${this.server.baseUrl}/dashboard${path}`
  }

  /** The setup link the server printed right after it started listening. */
  async setupLink(): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const match = /(http:\/\/\S+\/dashboard\/setup#token=[\w-]+)/.exec(this.server.output())
      if (match?.[1] !== undefined) return match[1]
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`no setup link printed:\n${this.server.output()}`)
  }

  /** Opens the setup link and creates the owner and the organization. */
  async setUp(owner: { email: string; password: string; name: string }): Promise<void> {
    await this.page.goto(await this.setupLink())
    await this.page.getByLabel('Organization name').fill('Acme Lending')
    await this.page.getByLabel('Your name').fill(owner.name)
    await this.page.getByLabel('Email').fill(owner.email)
    await this.page.getByLabel('Password').fill(owner.password)
    await this.page.getByRole('button', { name: 'Create account' }).click()
    await this.page.getByRole('heading', { name: 'API credentials' }).waitFor()
  }

  /** Signs in from a browser without cookies; the credentials page opens. */
  async signIn(owner: { email: string; password: string }): Promise<void> {
    await this.page.context().clearCookies()
    await this.page.goto(this.url('/'))
    await this.fillSignIn(owner)
    await this.page.getByRole('heading', { name: 'API credentials' }).waitFor()
  }

  async fillSignIn(owner: { email: string; password: string }): Promise<void> {
    await this.page.getByLabel('Email').fill(owner.email)
    await this.page.getByLabel('Password').fill(owner.password)
    await this.page.getByRole('button', { name: 'Sign in' }).click()
  }

  /** Creates a credential on the credentials page and reads its secret off the panel. */
  async createCredential(name: string): Promise<{ clientId: string; secret: string }> {
    await this.page.goto(this.url('/credentials'))
    await this.page.getByLabel('Name', { exact: true }).fill(name)
    await this.page.getByRole('button', { name: 'Create credential' }).click()
    await this.page.getByText('It is shown only this once').waitFor()
    const clientId = (await this.page.getByTestId('client-id').textContent()) ?? ''
    const secret = (await this.page.getByTestId('client-secret').textContent()) ?? ''
    return { clientId, secret }
  }

  /** The token endpoint's answer for a client_id and secret, from Node. */
  async token(clientId: string, secret: string): Promise<Response> {
    return fetch(`${this.server.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
  }

  /** Clicks a download link and returns the file's bytes. */
  async download(linkName: string): Promise<Buffer> {
    const [file] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name: linkName, exact: true }).click(),
    ])
    const stream = await file.createReadStream()
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  /** Drops a file on an element the way a browser does: a drop event carrying a DataTransfer. */
  async dropFile(selector: string, file: string, name: string): Promise<void> {
    const base64 = fs.readFileSync(file).toString('base64')
    // A string, because this runs in the page, where DataTransfer and File exist.
    const transfer = await this.page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob('${base64}'), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bytes], ${JSON.stringify(name)}, { type: 'application/pdf' }))
      return dt
    })()`)
    await this.page.dispatchEvent(selector, 'dragover', { dataTransfer: transfer })
    await this.page.dispatchEvent(selector, 'drop', { dataTransfer: transfer })
  }

  /** Adds a person on the Members page, with a first password. */
  async addMember(
    member: { email: string; password: string; name: string },
    role: 'owner' | 'member' | 'read_only',
  ): Promise<void> {
    await this.page.goto(this.url('/members'))
    const form = this.page.getByRole('region', { name: 'Add with a password' })
    await form.getByLabel('Name').fill(member.name)
    await form.getByLabel('Email').fill(member.email)
    await form.getByLabel('Role').selectOption(role)
    await form.getByLabel('First password').fill(member.password)
    await form.getByRole('button', { name: 'Add member' }).click()
    await this.page.locator('tr', { hasText: member.email }).waitFor()
  }

  /** Changes a member's role on the Members page, confirming in its dialog. */
  async changeRole(email: string, role: 'owner' | 'member' | 'read_only'): Promise<void> {
    await this.page.goto(this.url('/members'))
    const row = this.page.locator('tr', { hasText: email })
    await row.getByRole('button', { name: /^Change role of / }).click()
    const dialog = this.page.getByRole('dialog')
    await dialog.getByLabel('New role').selectOption(role)
    await dialog.getByRole('button', { name: 'Change role' }).click()
    await dialog.waitFor({ state: 'hidden' })
  }

  /** A member's role as the server holds it. */
  async roleOf(email: string): Promise<string | undefined> {
    const answer = await this.page.request.get(this.url('/api/members'))
    const { members } = (await answer.json()) as { members: { email: string; role: string }[] }
    return members.find((m) => m.email === email)?.role
  }

  /** Creates an invitation link on the Members page. */
  async invite(email: string): Promise<string> {
    await this.page.goto(this.url('/members'))
    const form = this.page.getByRole('region', { name: 'Invite by link' })
    await form.getByLabel('Email').fill(email)
    await form.getByRole('button', { name: 'Create invitation link' }).click()
    const link = await form.locator('code').textContent()
    if (link === null) throw new Error('no invitation link shown')
    return link
  }
}
