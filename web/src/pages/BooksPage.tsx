import { useState, type FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, useAction } from '../components/forms'
import { Loading, useLoad } from '../components/load'
import { Link, navigate } from '../router'
import { canWrite, useSession } from '../session'
import { when } from '../time'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

export interface Book {
  uuid: string
  pk: number
  name: string
  created_at: string
}

export function BooksPage() {
  const { session } = useSession()
  usePageTitle('Books')
  const [search, setSearch] = useState('')
  const list = useLoad<{ books: Book[]; total: number }>(
    `/books${search === '' ? '' : `?search=${encodeURIComponent(search)}`}`,
  )
  const create = useAction(async (form: HTMLFormElement) => {
    const name = new FormData(form).get('name')
    const book = await api<Book>('POST', '/books', { name })
    navigate(`/books/${book.uuid}`)
  })

  const onCreate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void create.run(event.currentTarget)
  }

  return (
    <>
      <h1>Books</h1>
      <p>A book holds the documents of one applicant or loan.</p>
      {canWrite(session) && (
        <section className="card" aria-labelledby="new-book">
          <h2 id="new-book">New book</h2>
          <form onSubmit={onCreate}>
            <Field label="Book name" name="name" required maxLength={255} />
            <ErrorNote error={create.error} fields={{ name: 'Book name' }} />
            <button type="submit" className="primary" disabled={create.busy}>
              Create book
            </button>
          </form>
        </section>
      )}
      <div className="field" role="search">
        <label htmlFor="book-search">Search books</label>
        <input
          id="book-search"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      {list.data === undefined ? (
        <Loading error={list.error} />
      ) : list.data.books.length === 0 ? (
        <p>{search === '' ? 'No books yet.' : 'No book matches.'}</p>
      ) : (
        <TableFrame label="Books">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.books.map((book) => (
                <tr key={book.uuid}>
                  <th scope="row">
                    <Link to={`/books/${book.uuid}`}>{book.name}</Link>
                  </th>
                  <td>{when(book.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      {list.data !== undefined && list.data.total > list.data.books.length && (
        <p>
          Showing the newest {list.data.books.length} of {list.data.total}; search to find others.
        </p>
      )}
    </>
  )
}
