import type { FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, useAction } from '../components/forms'
import { navigate } from '../router'
import { useSession, type Session } from '../session'

/** First run: the setup link's token (in the URL fragment) creates the owner and organization. */
export function SetupPage() {
  const { replace } = useSession()
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
  const submit = useAction(async (values: Record<string, string>) => {
    const session = await api<Session>('POST', '/setup', { ...values, token })
    // The token is used up; it should not stay in the address bar or the history.
    history.replaceState(null, '', '/dashboard/credentials')
    replace(session)
    navigate('/credentials', { replace: true })
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void submit.run(formValues(event.currentTarget))
  }

  return (
    <main id="main" className="narrow">
      <h1>Set up Quire</h1>
      {token === '' ? (
        <p className="error" role="alert">
          This page needs the setup link that the server printed when it started. Open that link, or
          run <code>npx quire setup-link</code> for a new one.
        </p>
      ) : (
        <>
          <p>Create the owner account and your organization. You can add members afterwards.</p>
          <form onSubmit={onSubmit}>
            <Field
              label="Organization name"
              name="organization"
              required
              autoComplete="organization"
            />
            <Field label="Your name" name="name" required autoComplete="name" />
            <Field label="Email" name="email" type="email" required autoComplete="email" />
            <Field
              label="Password"
              name="password"
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
              hint="At least 10 characters."
            />
            <ErrorNote error={submit.error} />
            <button type="submit" className="primary" disabled={submit.busy}>
              Create account
            </button>
          </form>
        </>
      )}
    </main>
  )
}
