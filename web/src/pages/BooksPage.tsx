export function BooksPage() {
  return <h1>Books</h1>
}
