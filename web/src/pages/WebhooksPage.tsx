import { useEffect, useId, useState, type FormEvent } from 'react'

import { api } from '../api'
import { ConfirmButton, CopyButton } from '../components/dialogs'
import { ErrorNote, Field, useAction } from '../components/forms'
import { Loading, useLoad } from '../components/load'
import { canWrite, useSession } from '../session'
import { when } from '../time'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

interface Webhook {
  uuid: string
  url: string
  description: string | null
  is_active: boolean
  event_names: string[]
  has_secret: boolean
}

interface Delivery {
  uuid: string
  event_name: string
  payload?: { book_uuid?: string }
  status: string
  created_on: string
  attempts: {
    attempt: number
    attempted_at: string
    http_status: number | null
    error: string | null
    duration_ms: number
  }[]
}

type EventInfo = { name: string; description: string }

/** The bearer API's names of the form's fields, as the service's messages quote them. */
const WEBHOOK_FIELDS = {
  'webhook.url': 'URL',
  url: 'URL',
  'webhook.description': 'Description',
  description: 'Description',
  event_names: 'Events',
}

export function WebhooksPage() {
  const { session } = useSession()
  usePageTitle('Webhooks')
  const list = useLoad<{ webhooks: Webhook[]; events: EventInfo[] }>('/webhooks')
  const [editing, setEditing] = useState<string>()

  if (list.data === undefined) return <Loading error={list.error} />
  const { webhooks, events } = list.data

  return (
    <>
      <h1>Webhooks</h1>
      <p>
        Quire POSTs each event you subscribe to, signed when the webhook has a secret. An
        organization has at most 5 webhooks.
      </p>
      {webhooks.length === 0 && <p>No webhooks yet.</p>}
      {webhooks.map((hook) =>
        editing === hook.uuid ? (
          <WebhookForm
            key={hook.uuid}
            events={events}
            webhook={hook}
            onDone={() => {
              setEditing(undefined)
              list.reload()
            }}
          />
        ) : (
          <WebhookCard
            key={hook.uuid}
            hook={hook}
            writable={canWrite(session)}
            onEdit={() => setEditing(hook.uuid)}
            onChange={list.reload}
          />
        ),
      )}
      {canWrite(session) && webhooks.length < 5 && (
        <WebhookForm events={events} onDone={list.reload} />
      )}
    </>
  )
}

function WebhookCard({
  hook,
  writable,
  onEdit,
  onChange,
}: {
  hook: Webhook
  writable: boolean
  onEdit: () => void
  onChange: () => void
}) {
  const [secret, setSecret] = useState<string>()
  const [logVersion, setLogVersion] = useState(0)
  const act = useAction(async (run: () => Promise<void>) => run())
  const base = `/webhooks/${hook.uuid}`

  return (
    <section className="card" aria-label={`Webhook ${hook.url}`}>
      <h2 className="wrap">{hook.url}</h2>
      <p>
        {hook.description ?? 'No description'} · {hook.is_active ? 'active' : 'paused'} ·{' '}
        {hook.has_secret ? 'signed' : 'not signed (no secret yet)'}
      </p>
      <p>Events: {hook.event_names.join(', ')}</p>
      <ErrorNote error={act.error} />
      {writable && (
        <div className="actions">
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <TestEvent
            events={hook.event_names}
            busy={act.busy}
            onSend={(eventName) =>
              void act.run(async () => {
                await api('POST', `${base}/test`, { event_name: eventName })
                setLogVersion((v) => v + 1)
              })
            }
          />
          <ConfirmButton
            label="Rotate secret"
            title="Make a new signing secret?"
            confirmLabel="Make new secret"
            danger={false}
            onConfirm={() =>
              void act.run(async () => {
                setSecret((await api<{ secret: string }>('POST', `${base}/rotate-secret`)).secret)
                onChange()
              })
            }
          >
            <p>Deliveries are signed with the new secret from now on; update your receiver.</p>
          </ConfirmButton>
          <ConfirmButton
            label="Delete webhook"
            title="Delete this webhook?"
            confirmLabel="Delete"
            onConfirm={() =>
              void act.run(async () => {
                await api('DELETE', base)
                onChange()
              })
            }
          >
            <p>Its delivery log is deleted with it.</p>
          </ConfirmButton>
        </div>
      )}
      {secret !== undefined && (
        <p className="warning" role="alert">
          New signing secret, shown only now: <code data-testid="webhook-secret">{secret}</code>{' '}
          <CopyButton value={secret} label="Copy secret" />
        </p>
      )}
      <DeliveryLog path={`${base}/deliveries`} version={logVersion} />
    </section>
  )
}

/** Sends a sample of one of the webhook's events, marked as a test in the log. */
function TestEvent({
  events,
  busy,
  onSend,
}: {
  events: string[]
  busy: boolean
  onSend: (eventName: string) => void
}) {
  const [chosen, setChosen] = useState(events[0] ?? '')
  const id = useId()
  return (
    <span className="test-event">
      <label htmlFor={id} className="visually-hidden">
        Event to test
      </label>
      <select id={id} value={chosen} onChange={(event) => setChosen(event.target.value)}>
        {events.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <button type="button" disabled={busy || chosen === ''} onClick={() => onSend(chosen)}>
        Send a test event
      </button>
    </span>
  )
}

/** Test deliveries carry sample payloads, which name the nil uuid as their book. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000'
const LOG_REFRESH_MS = 3000

function DeliveryLog({ path, version }: { path: string; version: number }) {
  const log = useLoad<{ deliveries: Delivery[]; total: number }>(`${path}?v=${version}`)
  const [open, setOpen] = useState(version > 0)
  useEffect(() => {
    if (version > 0) setOpen(true)
  }, [version])
  // While open the log follows deliveries and their retries as they happen.
  const { reload } = log
  useEffect(() => {
    if (!open) return
    const timer = setInterval(reload, LOG_REFRESH_MS)
    return () => clearInterval(timer)
  }, [open, reload])

  return (
    <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Delivery log{log.data !== undefined && ` (${log.data.total})`}</summary>
      <button type="button" onClick={log.reload}>
        Refresh log
      </button>
      {log.data === undefined ? (
        <Loading error={log.error} />
      ) : log.data.deliveries.length === 0 ? (
        <p>Nothing delivered yet.</p>
      ) : (
        <TableFrame label="Delivery log">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Created</th>
                <th scope="col">Outcome</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {log.data.deliveries.map((d) => (
                <tr key={d.uuid} className="delivery">
                  <td>
                    {d.event_name}
                    {d.payload?.book_uuid === NIL_UUID && <span className="hint"> (test)</span>}
                  </td>
                  <td>{when(d.created_on)}</td>
                  <td>{d.status}</td>
                  <td>
                    <ol>
                      {d.attempts.map((a) => (
                        <li key={a.attempt}>
                          {a.http_status === null ? `error: ${a.error}` : `HTTP ${a.http_status}`},{' '}
                          {a.duration_ms} ms, {when(a.attempted_at)}
                        </li>
                      ))}
                    </ol>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </details>
  )
}

function WebhookForm({
  events,
  webhook,
  onDone,
}: {
  events: EventInfo[]
  webhook?: Webhook
  onDone: () => void
}) {
  const save = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const body = {
      url: String(data.get('url') ?? ''),
      description: String(data.get('description') ?? '') || null,
      is_active: data.get('is_active') === 'on',
      event_names: data.getAll('event_names').map(String),
    }
    if (webhook === undefined) await api('POST', '/webhooks', body)
    else await api('PATCH', `/webhooks/${webhook.uuid}`, body)
    form.reset()
    onDone()
  })
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void save.run(event.currentTarget)
  }
  const title = webhook === undefined ? 'Add a webhook' : 'Edit webhook'

  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      <form onSubmit={onSubmit}>
        <Field label="URL" name="url" type="url" required defaultValue={webhook?.url} />
        <Field
          label="Description (optional)"
          name="description"
          defaultValue={webhook?.description ?? ''}
        />
        <label className="check">
          <input type="checkbox" name="is_active" defaultChecked={webhook?.is_active ?? true} />{' '}
          Active
        </label>
        <fieldset>
          <legend>Events</legend>
          {events.map((e) => (
            <label key={e.name} className="check event">
              <input
                type="checkbox"
                name="event_names"
                value={e.name}
                defaultChecked={
                  webhook?.event_names.includes(e.name) ?? e.name.startsWith('document.')
                }
              />{' '}
              {e.name}
            </label>
          ))}
        </fieldset>
        <ErrorNote error={save.error} fields={WEBHOOK_FIELDS} />
        <button type="submit" className="primary" disabled={save.busy}>
          {webhook === undefined ? 'Add webhook' : 'Save webhook'}
        </button>
        {webhook !== undefined && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </form>
    </section>
  )
}
