// GET /openapi/v3 and /openapi/v3/<group-version>: the index and the documents, with upstream's caching headers; an empty /openapi/v2.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as S from '../api/status.js';
import { OpenApiDocuments, type ServedDocument } from '../openapi/documents.js';

/** Whether an Accept header lets us answer JSON (upstream also offers protobuf; kubectl asks for JSON). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept.split(',').some((clause) => {
    const [range = '', ...params] = clause.split(';').map((p) => p.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return range === 'application/json' || range === 'application/*' || range === '*/*';
  });
}

/** Go's time.RFC1123 layout of a UTC time (`Mon, 02 Jan 2006 15:04:05 UTC`), as upstream writes Expires. */
function rfc1123(date: Date): string {
  return date.toUTCString().replace(/GMT$/, 'UTC');
}

/** The answer for a document: 304 when the client holds it already, else the JSON text. */
function sendDocument(req: FastifyRequest, reply: FastifyReply, doc: ServedDocument): FastifyReply {
  const etag = `"${doc.hash}"`;
  reply.header('etag', etag).header('content-type', 'application/json');
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return reply.code(304).send();
  return reply.send(doc.bytes);
}

/** The media type of OpenAPI v2 in gnostic protobuf form, as kubectl asks for it (`@` is `.` on the wire). */
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * GET /openapi/v2: an empty document. kubectl validates `kind: List` manifests (which no v3 PATCH operation names)
 * client-side against OpenAPI v2 in protobuf form; an empty byte string is a valid empty protobuf Document, so its
 * schema lookup finds nothing and the items go to the server, which validates each with fieldValidation. JSON
 * clients get an empty Swagger 2.0 document.
 */
function sendEmptyV2(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const accept = (req.headers.accept ?? '').toLowerCase();
  if (accept.includes('protobuf')) return reply.header('content-type', V2_PROTOBUF).send(Buffer.alloc(0));
  return reply.header('content-type', 'application/json').send('{"swagger":"2.0","info":{"title":"Kubernetes","version":"unversioned"},"paths":{}}');
}

/**
 * Registers the OpenAPI v3 routes (kube-openapi's handler3): the index carries each document's hash in its URL; a
 * document asked for with the current hash is cacheable forever (`Cache-Control: public, immutable`), with another
 * hash it redirects (301) to the current URL. `/openapi/v2` is served empty (see sendEmptyV2).
 */
export function registerOpenApi(app: FastifyInstance, docs = new OpenApiDocuments()): void {
  app.get('/openapi/v2', async (req, reply) => sendEmptyV2(req, reply));
  app.get('/openapi/v3', async (req, reply) => sendDocument(req, reply, docs.index()));
  app.get('/openapi/v3/*', async (req, reply) => {
    const [path = '', search = ''] = req.url.split('?');
    const key = path.slice('/openapi/v3/'.length).replace(/\/$/, '');
    const doc = docs.document(key);
    if (!doc) throw S.pathNotFound();
    reply.header('vary', 'Accept');
    if (!acceptsJson(req.headers.accept)) return reply.code(406).send();
    const hash = new URLSearchParams(search).get('hash');
    if (hash) {
      if (hash !== doc.hash) return reply.code(301).header('location', `/openapi/v3/${doc.key}?hash=${doc.hash}`).send();
      const expires = new Date();
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      reply.header('cache-control', 'public, immutable').header('expires', rfc1123(expires));
    }
    return sendDocument(req, reply, doc);
  });
}
