import type { FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, useAction } from '../components/forms'
import { useSession, type Session } from '../session'
import { usePageTitle } from '../title'

export function SignInPage() {
  const { session, replace, ended } = useSession()
  usePageTitle('Sign in')
  const submit = useAction(async (values: Record<string, string>) => {
    replace(await api<Session>('POST', '/sign-in', values))
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void submit.run(formValues(event.currentTarget))
  }

  return (
    <main id="main" className="narrow">
      <h1>Sign in to Quire</h1>
      {ended && (
        <p className="note" role="alert">
          Your session has ended. Sign in again to go on where you were.
        </p>
      )}
      {session.setup_required && (
        <p className="note" role="status">
          No account exists yet. Open the setup link that the server printed when it started (or run{' '}
          <code>npx quire setup-link</code>).
        </p>
      )}
      <form onSubmit={onSubmit}>
        <Field label="Email" name="email" type="email" required autoComplete="username" />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          autoComplete="current-password"
        />
        <ErrorNote error={submit.error} />
        <button type="submit" className="primary" disabled={submit.busy}>
          Sign in
        </button>
      </form>
    </main>
  )
}
