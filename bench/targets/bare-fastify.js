// The ceiling: Fastify with nothing but a form parser and two routes that answer with the very
// bodies Quire sent (same objects, same byte counts), so what is left is framework, parsing and
// JSON serialization, without authentication, signing or storage.
import fs from 'node:fs'

import formbody from '@fastify/formbody'
import Fastify from 'fastify'

const port = Number(process.env.PORT)
const bodies = JSON.parse(fs.readFileSync(process.env.BENCH_BODIES, 'utf8'))

const app = Fastify({ logger: false })
await app.register(formbody)

app.post('/token', async (request, reply) => {
  if (request.body?.grant_type !== 'client_credentials') return reply.code(400).send({})
  return bodies.token
})

app.get('/books', async () => bodies.books)

await app.listen({ port, host: '127.0.0.1' })
process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
