import { useState, type FormEvent } from 'react'

import { problemOf } from '../api'
import { CopyButton } from '../components/dialogs'
import { ErrorNote, Field, useAction } from '../components/forms'
import { Loading, useLoad } from '../components/load'
import { Link } from '../router'
import { expired, type Credential } from './CredentialsPage'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

interface PostmanInfo {
  base_url: string
  token_url: string
  books_url: string
  client_authentication: string[]
  settings: { field: string; value: string }[]
}

export function PostmanPage() {
  usePageTitle('Explore with Postman')
  const info = useLoad<PostmanInfo>('/postman')
  const list = useLoad<{ credentials: Credential[] }>('/credentials')
  const active = (list.data?.credentials ?? []).filter((c) => c.revoked_at === null && !expired(c))
  const [chosen, setChosen] = useState('')
  const clientId = chosen !== '' ? chosen : (active[0]?.client_id ?? '')

  if (info.data === undefined) return <Loading error={info.error} />
  const { data } = info
  const query = `client_id=${encodeURIComponent(clientId)}`

  return (
    <>
      <h1>Explore with Postman</h1>
      <section className="card" aria-labelledby="where-title">
        <h2 id="where-title">Where things are</h2>
        <dl className="pairs">
          <dt>Access Token URL</dt>
          <dd>
            <code>{data.token_url}</code>{' '}
            <CopyButton value={data.token_url} label="Copy token URL" />
          </dd>
          <dt>API base URL</dt>
          <dd>
            <code>{data.base_url}</code> <CopyButton value={data.base_url} label="Copy base URL" />
          </dd>
          <dt>Client authentication</dt>
          <dd>
            HTTP Basic (<code>client_secret_basic</code>) or in the body (
            <code>client_secret_post</code>); both work for every credential.
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="settings-title">
        <h2 id="settings-title">Postman settings</h2>
        <p>
          In a request&apos;s <strong>Authorization</strong> tab choose these, then{' '}
          <strong>Get New Access Token</strong> and <strong>Use Token</strong>:
        </p>
        <TableFrame label="Postman settings">
          <table>
            <tbody>
              {data.settings.map((s) => (
                <tr key={s.field}>
                  <th scope="row">{s.field}</th>
                  <td>
                    <code>{s.value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
        <p>
          Then send <code>GET {data.books_url}</code>. A token lasts 24 hours; get a new one when it
          expires.
        </p>
      </section>

      <section className="card" aria-labelledby="download-title">
        <h2 id="download-title">Collection and environment</h2>
        {list.data === undefined ? (
          <Loading error={list.error} />
        ) : active.length === 0 ? (
          <p>
            Create a credential first, on <Link to="/credentials">API credentials</Link>.
          </p>
        ) : (
          <>
            <div className="field">
              <label htmlFor="postman-credential">Credential</label>
              <select
                id="postman-credential"
                value={clientId}
                onChange={(event) => setChosen(event.target.value)}
              >
                {active.map((c) => (
                  <option key={c.client_id} value={c.client_id}>
                    {c.name} ({c.client_id})
                  </option>
                ))}
              </select>
            </div>
            <p>
              The environment holds this credential&apos;s <code>client_id</code> and an empty{' '}
              <code>client_secret</code> for you to fill in Postman. Secrets belong in your
              environment, never in a collection you share.
            </p>
            <p>
              <a
                className="button primary"
                href={`/dashboard/api/postman/bundle.zip?${query}`}
                download
              >
                Download collection and environment (.zip)
              </a>
            </p>
            <p>
              Or one at a time:{' '}
              <a href="/dashboard/api/postman/collection.json" download>
                collection
              </a>
              {' · '}
              <a href={`/dashboard/api/postman/environment.json?${query}`} download>
                environment
              </a>
            </p>
            <TryIt clientId={clientId} tokenUrl={data.token_url} booksUrl={data.books_url} />
          </>
        )}
      </section>
    </>
  )
}

/** Gets a token with the credential and calls GET /v1/books from this browser. */
function TryIt({
  clientId,
  tokenUrl,
  booksUrl,
}: {
  clientId: string
  tokenUrl: string
  booksUrl: string
}) {
  const [raw, setRaw] = useState<string>()
  const tryIt = useAction(async (secret: string) => {
    setRaw(undefined)
    // Credentials in the body (client_secret_post): a refused Basic header draws a
    // WWW-Authenticate challenge, which a browser answers with its own sign-in prompt. The
    // paths are called on this page's origin, which may not be the configured public URL.
    const token = await fetch(new URL(tokenUrl).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }).toString(),
    })
    const tokenBody = (await token.json().catch(() => ({}))) as {
      access_token?: string
      error?: string
    }
    if (!token.ok || tokenBody.access_token === undefined) {
      throw problemOf(token.status, {
        error: tokenBody.error ?? 'token',
        message:
          token.status === 401
            ? 'The token endpoint refused this client_id and secret. Check the secret (it was shown once when the credential was made or rotated).'
            : `The token endpoint answered HTTP ${token.status} (${tokenBody.error ?? 'no error code'}).`,
      })
    }

    const books = await fetch(new URL(booksUrl).pathname, {
      headers: { authorization: `Bearer ${tokenBody.access_token}` },
    })
    setRaw(
      `HTTP ${books.status} ${books.statusText}\ncontent-type: ${books.headers.get('content-type') ?? ''}\n\n${await books.text()}`,
    )
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const secret = new FormData(event.currentTarget).get('client_secret')
    void tryIt.run(typeof secret === 'string' ? secret : '')
  }

  return (
    <form onSubmit={onSubmit} aria-labelledby="try-title">
      <h3 id="try-title">Try it</h3>
      <p>
        Gets a token for <code>{clientId}</code> from the token endpoint and calls{' '}
        <code>GET /v1/books</code> from this browser. The secret is used for this call only.
      </p>
      <Field
        label="client_secret"
        name="client_secret"
        type="password"
        required
        autoComplete="off"
      />
      <ErrorNote error={tryIt.error} />
      <button type="submit" className="primary" disabled={tryIt.busy}>
        Get a token and call GET /v1/books
      </button>
      {raw !== undefined && (
        <>
          <h4>Raw response</h4>
          <pre className="raw" data-testid="raw-response" tabIndex={0}>
            {raw}
          </pre>
        </>
      )}
    </form>
  )
}
