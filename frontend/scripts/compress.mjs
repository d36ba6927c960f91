// Writes a brotli (.br) and a gzip (.gz) copy beside each compressible file of dist/, so the
// server sends them precompressed (tower-http ServeDir's precompressed_br/_gzip) at no cost
// per request. Run after `vite build` (npm run build). Node's own zlib: no dependency.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|wasm|ttf)$/
let files = 0
let before = 0
let after = 0

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      walk(path)
    } else if (compressible.test(name) && statSync(path).size >= 256) {
      const data = readFileSync(path)
      const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
      writeFileSync(`${path}.br`, br)
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
      files++
      before += data.length
      after += br.length
    }
  }
}

walk(root)
console.log(`compressed ${files} files: ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB brotli`)
