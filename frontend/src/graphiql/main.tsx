// The offline GraphQL IDE for open-data users, served at /graphiql/.
import './workers'
import { createRoot } from 'react-dom/client'
import { GraphiQL } from 'graphiql'
import { createGraphiQLFetcher } from '@graphiql/toolkit'
import 'graphiql/style.css'
import { buildSchema } from 'graphql'
// The exported schema is bundled, so the IDE needs no introspection round trip (the
// server's depth limit refuses the standard introspection query).
import sdl from '../../../schema/schema.graphql?raw'

const schema = buildSchema(sdl)

const url = new URL('/graphql', window.location.href)
const subscriptionUrl = url.toString().replace(/^http/, 'ws')
const fetcher = createGraphiQLFetcher({ url: url.toString(), subscriptionUrl })

const defaultQuery = `# Canyu open data: the 2021 catalogue
{
  catalogue(year: 2021) {
    published
    confidentialCount
    items { id title stage undertakingUnit { name } }
  }
}
`

createRoot(document.getElementById('graphiql')!).render(<GraphiQL fetcher={fetcher} schema={schema} defaultQuery={defaultQuery} />)
