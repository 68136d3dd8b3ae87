import { useId, useState, type FormEvent } from 'react'

import { api } from '../api'
import { ConfirmButton, CopyButton } from '../components/dialogs'
import { ErrorNote, Field, formValues, NewPasswordField, useAction } from '../components/forms'
import { roleName } from '../components/Layout'
import { Loading, useLoad } from '../components/load'
import { useSession, type Role } from '../session'
import { when } from '../time'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

interface Member {
  user_id: string
  email: string
  name: string
  role: Role
  joined_at: string
}

interface Invitation {
  id: string
  email: string
  role: Role
  expires_at: string
}

const ROLES: { value: Role; label: string }[] = [
  { value: 'member', label: 'Member: credentials, books, webhooks' },
  { value: 'read_only', label: 'Read-only: sees everything, changes nothing' },
  { value: 'owner', label: 'Owner: everything, including members' },
]

export function MembersPage() {
  const { session } = useSession()
  usePageTitle('Members')
  const list = useLoad<{ members: Member[]; invitations: Invitation[] }>('/members')
  const act = useAction(async (run: () => Promise<void>) => {
    await run()
    list.reload()
  })
  const owner = session.role === 'owner'

  return (
    <>
      <h1>Members of {session.organization?.name}</h1>
      <ErrorNote error={act.error} />
      {list.data === undefined ? (
        <Loading error={list.error} />
      ) : (
        <TableFrame label="Members">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                {owner && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.members.map((m) => (
                <tr key={m.user_id}>
                  <th scope="row">{m.name}</th>
                  <td>{m.email}</td>
                  <td>{roleName(m.role)}</td>
                  {owner && (
                    <td>
                      <div className="row-actions">
                        <ChangeRole
                          member={m}
                          onChange={(role) =>
                            void act.run(() => api('PATCH', `/members/${m.user_id}`, { role }))
                          }
                        />
                        <ConfirmButton
                          label={`Remove ${m.name}`}
                          title={`Remove ${m.name}?`}
                          confirmLabel="Remove"
                          onConfirm={() =>
                            void act.run(() => api('DELETE', `/members/${m.user_id}`))
                          }
                        >
                          <p>{m.email} loses access to this organization at once.</p>
                        </ConfirmButton>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      {list.data !== undefined && list.data.invitations.length > 0 && (
        <>
          <h2>Pending invitations</h2>
          <ul className="invitations">
            {list.data.invitations.map((i) => (
              <li key={i.id}>
                {i.email} as {roleName(i.role)}, until {when(i.expires_at)}{' '}
                {owner && (
                  <ConfirmButton
                    label={`Withdraw the invitation of ${i.email}`}
                    title={`Withdraw the invitation of ${i.email}?`}
                    confirmLabel="Withdraw"
                    onConfirm={() => void act.run(() => api('DELETE', `/invitations/${i.id}`))}
                  >
                    <p>The link sent to {i.email} stops working at once.</p>
                  </ConfirmButton>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {owner && <AddMember onChange={list.reload} />}
    </>
  )
}

function AddMember({ onChange }: { onChange: () => void }) {
  const [link, setLink] = useState<string>()
  const invite = useAction(async (values: Record<string, string>, form: HTMLFormElement) => {
    const answer = await api<{ link: string }>('POST', '/invitations', values)
    setLink(answer.link)
    form.reset()
    onChange()
  })
  const add = useAction(async (values: Record<string, string>, form: HTMLFormElement) => {
    await api('POST', '/members', values)
    form.reset()
    onChange()
  })

  const submit = (action: typeof invite) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void action.run(formValues(event.currentTarget), event.currentTarget)
  }

  return (
    <div className="columns">
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite by link</h2>
        <form onSubmit={submit(invite)}>
          <Field label="Email" name="email" type="email" required />
          <RoleSelect id="invite-role" />
          <ErrorNote error={invite.error} fields={{ email: 'Email', role: 'Role' }} />
          <button type="submit" className="primary" disabled={invite.busy}>
            Create invitation link
          </button>
        </form>
        {link !== undefined && (
          <p role="status">
            Send this link to the person (valid 7 days, usable once):{' '}
            <code className="wrap">{link}</code> <CopyButton value={link} label="Copy link" />
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="add-title">
        <h2 id="add-title">Add with a password</h2>
        <form onSubmit={submit(add)}>
          <Field label="Name" name="name" required />
          <Field label="Email" name="email" type="email" required />
          <RoleSelect id="add-role" />
          <NewPasswordField
            label="First password"
            name="password"
            hint="Hand it over safely; they can change it under Account."
          />
          <ErrorNote
            error={add.error}
            fields={{ name: 'Name', email: 'Email', role: 'Role', password: 'First password' }}
          />
          <button type="submit" className="primary" disabled={add.busy}>
            Add member
          </button>
        </form>
      </section>
    </div>
  )
}

/**
 * A role changes only after its own confirmation: a select that acted on every change would
 * let one arrow key, on the way through the page, make someone an owner.
 */
function ChangeRole({ member, onChange }: { member: Member; onChange: (role: Role) => void }) {
  const [role, setRole] = useState<Role>(member.role)
  const id = useId()
  return (
    <ConfirmButton
      label={`Change role of ${member.name}`}
      title={`Change the role of ${member.name}`}
      confirmLabel="Change role"
      danger={false}
      onOpen={() => setRole(member.role)}
      onConfirm={() => {
        if (role !== member.role) onChange(role)
      }}
    >
      <div className="field">
        <label htmlFor={id}>New role</label>
        <select id={id} value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      {role === 'owner' && member.role !== 'owner' && (
        <p className="warning">An owner can add and remove members, other owners included.</p>
      )}
    </ConfirmButton>
  )
}

function RoleSelect({ id }: { id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>Role</label>
      <select id={id} name="role" defaultValue="member">
        {ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
    </div>
  )
}
