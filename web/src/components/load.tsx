import { useCallback, useEffect, useState } from 'react'

import { api } from '../api'
import { ErrorNote } from './forms'

/** Loads a dashboard API resource; `reload` fetches it again after a change. */
export function useLoad<T>(path: string | null) {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [version, setVersion] = useState(0)

  useEffect(() => {
    if (path === null) return
    let current = true
    api<T>('GET', path).then(
      (value) => {
        if (!current) return
        setData(value)
        setError(undefined)
      },
      (failure: unknown) => current && setError(failure),
    )
    return () => {
      current = false
    }
  }, [path, version])

  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return { data, error, reload, setData }
}

/** What a page shows while its data loads, or when loading failed. */
export function Loading({ error }: { error: unknown }) {
  if (error !== undefined) return <ErrorNote error={error} />
  return <p aria-live="polite">Loading…</p>
}
