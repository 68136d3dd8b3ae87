import type { FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, useAction } from '../components/forms'
import { navigate } from '../router'
import { useSession, type Session } from '../session'
import { usePageTitle } from '../title'

/** An invitation link: the invitee picks a name and password and is signed in. */
export function InvitePage() {
  const { replace } = useSession()
  usePageTitle('Join your organization')
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
  const submit = useAction(async (values: Record<string, string>) => {
    const session = await api<Session>('POST', '/invitations/accept', { ...values, token })
    replace(session)
    navigate('/credentials', { replace: true })
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void submit.run(formValues(event.currentTarget))
  }

  return (
    <main id="main" className="narrow">
      <h1>Join your organization on Quire</h1>
      <form onSubmit={onSubmit}>
        <Field label="Your name" name="name" required autoComplete="name" />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          minLength={10}
          autoComplete="new-password"
          hint="At least 10 characters."
        />
        <ErrorNote error={submit.error} fields={{ name: 'Your name', password: 'Password' }} />
        <button type="submit" className="primary" disabled={submit.busy}>
          Create my account
        </button>
      </form>
    </main>
  )
}
