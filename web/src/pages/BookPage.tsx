export function BookPage({ uuid }: { uuid: string }) {
  return <h1>Book {uuid}</h1>
}
