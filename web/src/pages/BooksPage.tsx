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

interface BookList {
  books: Book[]
  total: number
  offset: number
  page_size: number
}

export function BooksPage() {
  const { session } = useSession()
  usePageTitle('Books')
  const [search, setSearch] = useState('')
  const [offset, setOffset] = useState(0)
  const query = new URLSearchParams({ ...(search !== '' && { search }), offset: String(offset) })
  const list = useLoad<BookList>(`/books?${query.toString()}`)
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
          onChange={(event) => {
            setSearch(event.target.value)
            setOffset(0)
          }}
        />
      </div>
      {list.data === undefined ? (
        <Loading error={list.error} />
      ) : list.data.books.length === 0 ? (
        <p>
          {offset > 0 ? 'No books here.' : search === '' ? 'No books yet.' : 'No book matches.'}
        </p>
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
      {list.data !== undefined && <Pager list={list.data} onMove={setOffset} />}
    </>
  )
}

/** Which books of how many are shown, and the way to newer and older ones (newest first). */
function Pager({ list, onMove }: { list: BookList; onMove: (offset: number) => void }) {
  const { books, total, offset, page_size: size } = list
  if (offset === 0 && total <= books.length) return null
  const first = Math.min(offset + 1, total)
  const last = offset + books.length
  return (
    <nav className="actions" aria-label="Pages of books">
      <p aria-live="polite">
        {books.length === 0 ? `${total} in all` : `Showing ${first}–${last} of ${total}`}
      </p>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => onMove(Math.max(0, offset - size))}
      >
        Newer
      </button>
      <button type="button" disabled={last >= total} onClick={() => onMove(offset + size)}>
        Older
      </button>
    </nav>
  )
}
