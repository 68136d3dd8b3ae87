import { useState, type FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, NewPasswordField, useAction } from '../components/forms'
import { roleName } from '../components/Layout'
import { useSession, type Session } from '../session'
import { usePageTitle } from '../title'

export function AccountPage() {
  const { session, replace } = useSession()
  usePageTitle('Your account')
  const [done, setDone] = useState(false)
  const change = useAction(async (values: Record<string, string>, form: HTMLFormElement) => {
    setDone(false)
    replace(await api<Session>('POST', '/account/password', values))
    form.reset()
    setDone(true)
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void change.run(formValues(event.currentTarget), event.currentTarget)
  }

  return (
    <>
      <h1>Your account</h1>
      <dl className="pairs">
        <dt>Name</dt>
        <dd>{session.user?.name}</dd>
        <dt>Email</dt>
        <dd>{session.user?.email}</dd>
        <dt>Organization</dt>
        <dd>
          {session.organization?.name} ({roleName(session.role)})
        </dd>
      </dl>
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <form onSubmit={onSubmit}>
          <Field
            label="Current password"
            name="current_password"
            type="password"
            required
            autoComplete="current-password"
          />
          <NewPasswordField
            label="New password"
            name="new_password"
            hint="At least 10 characters. Your other sessions are signed out."
          />
          <ErrorNote
            error={change.error}
            fields={{ current_password: 'Current password', new_password: 'New password' }}
          />
          {done && <p role="status">Password changed.</p>}
          <button type="submit" className="primary" disabled={change.busy}>
            Change password
          </button>
        </form>
      </section>
    </>
  )
}
