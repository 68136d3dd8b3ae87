import { useEffect, useRef, useState, type FormEvent } from 'react'

import { api } from '../api'
import { ConfirmButton, CopyButton } from '../components/dialogs'
import { ErrorNote, Field, formValues, useAction } from '../components/forms'
import { Loading, useLoad } from '../components/load'
import { Link } from '../router'
import { canWrite, useSession } from '../session'
import { when } from '../time'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

export interface Credential {
  client_id: string
  name: string
  scope: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  secrets: { id: string; generation: number; created_at: string }[]
}

interface Issued {
  credential: Credential
  client_secret: string
}

export function CredentialsPage() {
  const { session } = useSession()
  usePageTitle('API credentials')
  const list = useLoad<{ credentials: Credential[]; scopes: string[] }>('/credentials')
  const [issued, setIssued] = useState<Issued & { rotated: boolean }>()
  const listTitle = useRef<HTMLHeadingElement>(null)
  const [notice, setNotice] = useState<string>()
  const act = useAction(async (run: () => Promise<void>) => run())

  const rotate = (c: Credential) =>
    act.run(async () => {
      const answer = await api<Issued>('POST', `/credentials/${c.client_id}/rotate`)
      setIssued({ ...answer, rotated: true })
      list.reload()
    })
  const retire = (c: Credential) =>
    act.run(async () => {
      await api('POST', `/credentials/${c.client_id}/retire-secrets`)
      list.reload()
    })
  // The row's buttons go with the revocation: focus moves to the list rather than to nothing.
  const revoke = (c: Credential) =>
    act.run(async () => {
      await api('POST', `/credentials/${c.client_id}/revoke`)
      list.reload()
      setNotice(`${c.name} is revoked.`)
      listTitle.current?.focus()
    })

  return (
    <>
      <h1>API credentials</h1>
      <p>
        A credential is a <code>client_id</code> and <code>client_secret</code> that an application
        exchanges for an access token. Then try it in{' '}
        <Link to="/postman">Explore with Postman</Link>.
      </p>
      {issued !== undefined && (
        <SecretOnce
          key={issued.client_secret}
          issued={issued}
          onDone={() => {
            setIssued(undefined)
            listTitle.current?.focus()
          }}
        />
      )}
      {canWrite(session) && list.data !== undefined && (
        <CreateCredential
          scopes={list.data.scopes}
          onCreated={(answer) => {
            setIssued({ ...answer, rotated: false })
            list.reload()
          }}
        />
      )}
      <h2 tabIndex={-1} ref={listTitle}>
        Your credentials
      </h2>
      <p role="status">{notice}</p>
      <ErrorNote error={act.error} />
      {list.data === undefined ? (
        <Loading error={list.error} />
      ) : list.data.credentials.length === 0 ? (
        <p>No credentials yet.</p>
      ) : (
        <TableFrame label="Your credentials">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Client ID</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                {canWrite(session) && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.credentials.map((c) => (
                <tr key={c.client_id} data-client-id={c.client_id}>
                  <th scope="row">{c.name}</th>
                  <td>
                    <code>{c.client_id}</code>
                  </td>
                  <td className="scopes">{c.scope.split(' ').join(', ')}</td>
                  <td>{c.last_used_at === null ? 'never' : when(c.last_used_at)}</td>
                  <td>{stateOf(c)}</td>
                  {canWrite(session) && (
                    <td>
                      {c.revoked_at === null && (
                        <div className="row-actions">
                          {!expired(c) && (
                            <ConfirmButton
                              label={`Rotate ${c.name}`}
                              title={`Rotate the secret of ${c.name}?`}
                              confirmLabel="Rotate"
                              danger={false}
                              disabled={act.busy}
                              onConfirm={() => void rotate(c)}
                            >
                              <RotationNote credential={c} />
                            </ConfirmButton>
                          )}
                          {c.secrets.length > 1 && (
                            <ConfirmButton
                              label={`Retire old secret of ${c.name}`}
                              title={`Retire the old secret of ${c.name}?`}
                              confirmLabel="Retire old secret"
                              disabled={act.busy}
                              onConfirm={() => void retire(c)}
                            >
                              <p>
                                Applications still using the old secret can no longer get tokens.
                                Retire it only once every application uses the new one.
                              </p>
                            </ConfirmButton>
                          )}
                          <ConfirmButton
                            label={`Revoke ${c.name}`}
                            title={`Revoke ${c.name}?`}
                            confirmLabel="Revoke for good"
                            disabled={act.busy}
                            onConfirm={() => void revoke(c)}
                          >
                            <p>
                              Applications using <code>{c.client_id}</code> stop working at once: no
                              new tokens, and the tokens already issued are refused. This cannot be
                              undone.
                            </p>
                          </ConfirmButton>
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </>
  )
}

/** What rotating does: at most two secrets are valid at once, so a second rotation ends one. */
function RotationNote({ credential }: { credential: Credential }) {
  if (credential.secrets.length < 2)
    return (
      <p>
        A new secret is made and shown once. The current secret keeps working until you retire it,
        so you can update your applications first.
      </p>
    )
  return (
    <p className="warning">
      Two secrets are valid now. Rotating again makes a new one and ends the older of the two at
      once; the newer keeps working until you retire it.
    </p>
  )
}

export function expired(c: Credential): boolean {
  return c.expires_at !== null && Date.parse(c.expires_at) <= Date.now()
}

function stateOf(c: Credential): string {
  if (c.revoked_at !== null) return `revoked ${when(c.revoked_at)}`
  if (expired(c)) return 'expired'
  const secrets = c.secrets.length > 1 ? ', 2 secrets valid (rotation under way)' : ''
  const expiry = c.expires_at === null ? '' : `, expires ${when(c.expires_at)}`
  return `active${expiry}${secrets}`
}

function CreateCredential({
  scopes,
  onCreated,
}: {
  scopes: string[]
  onCreated: (issued: Issued) => void
}) {
  const create = useAction(async (form: HTMLFormElement) => {
    const values = formValues(form)
    const chosen = scopes.filter((scope) => new FormData(form).getAll('scope').includes(scope))
    const expires =
      values.expires === '' || values.expires === undefined ? undefined : values.expires
    const issued = await api<Issued>('POST', '/credentials', {
      name: values.name,
      scope: chosen.join(' '),
      ...(expires !== undefined && { expires_at: new Date(`${expires}T23:59:59`).toISOString() }),
    })
    form.reset()
    onCreated(issued)
  })
  const [noScope, setNoScope] = useState(false)

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const none = new FormData(form).getAll('scope').length === 0
    setNoScope(none)
    if (!none) void create.run(form)
  }

  return (
    <section aria-labelledby="create-title" className="card">
      <h2 id="create-title">Create a credential</h2>
      <form onSubmit={onSubmit}>
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          hint="Where it will be used, e.g. “loan app, staging”."
        />
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" name="scope" value={scope} defaultChecked /> {scope}
            </label>
          ))}
        </fieldset>
        {noScope && (
          <p className="error" role="alert">
            Choose at least one scope.
          </p>
        )}
        <Field
          label="Expires on (optional)"
          name="expires"
          type="date"
          hint="Leave empty for a credential that does not expire."
        />
        <ErrorNote
          error={create.error}
          fields={{ name: 'Name', scope: 'Scopes', expires_at: 'Expires on' }}
        />
        <button type="submit" className="primary" disabled={create.busy}>
          Create credential
        </button>
      </form>
    </section>
  )
}

/** The secret, once: after this panel is closed nobody can read it again. */
function SecretOnce({
  issued,
  onDone,
}: {
  issued: Issued & { rotated: boolean }
  onDone: () => void
}) {
  // The panel may open far from the button that made it (on a phone, below the fold): focus
  // moves to it, which also scrolls it into view, so nobody misses the one chance to copy.
  const panel = useRef<HTMLElement>(null)
  useEffect(() => {
    panel.current?.focus()
  }, [])

  return (
    <section className="card secret" aria-labelledby="secret-title" tabIndex={-1} ref={panel}>
      <h2 id="secret-title">
        {issued.rotated ? 'New secret for' : 'Credential created:'} {issued.credential.name}
      </h2>
      <p className="warning" role="alert">
        Copy the secret now. It is shown only this once: Quire keeps only a hash of it. If you lose
        it, rotate the credential to get a new one.
      </p>
      <dl>
        <dt>client_id</dt>
        <dd>
          <code data-testid="client-id">{issued.credential.client_id}</code>{' '}
          <CopyButton value={issued.credential.client_id} label="Copy client_id" />
        </dd>
        <dt>client_secret</dt>
        <dd>
          <code data-testid="client-secret">{issued.client_secret}</code>{' '}
          <CopyButton value={issued.client_secret} label="Copy client_secret" />
        </dd>
      </dl>
      <button type="button" className="primary" onClick={onDone}>
        I have stored the secret
      </button>
    </section>
  )
}
