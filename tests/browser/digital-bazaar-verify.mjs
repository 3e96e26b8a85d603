// Verifies CIM credentials with Digital Bazaar's libraries (@digitalbazaar/vc, the
// eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites), as an independent implementation.
// Reads cases as JSON lines on standard input, writes one verdict per line. Nothing is
// fetched: every context and DID document comes from a local document loader.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcsSuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';

const DEVELOPMENT_KEY = process.argv[3];
const CONTEXT_DIR = process.argv[2];
const contexts = new Map([
  ...credentialsContexts,
  [multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT],
  [didContext.constants.DID_CONTEXT_URL, didContext.contexts.get(didContext.constants.DID_CONTEXT_URL)],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    JSON.parse(readFileSync(`${CONTEXT_DIR}/ob-v3p0-context-3.0.3.jsonld`, 'utf8'))],
]);
const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function loaderFor(didDocuments) {
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    const [did, fragment] = url.split('#');
    if(did.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    const found = didDocuments[did];
    if(!found) {
      throw new Error(`not resolvable here: ${url}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: found};
    }
    const method = (found.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`no such key: ${url}`);
    }
    return {contextUrl: null, documentUrl: url,
      document: {'@context': multikeyContext.CONTEXT_URL, ...method}};
  };
}

const suite = [
  new DataIntegrityProof({cryptosuite: rdfcSuite}),
  new DataIntegrityProof({cryptosuite: jcsSuite()}),
];

function bitAt(encoded, index) {
  const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  return (bytes[index >> 3] & (0x80 >> (index % 8))) !== 0;
}

// Every proof of the set must hold (jsonld-signatures is content with one).
function allHold(result) {
  const proofs = (result && result.results) || [];
  return !!result && result.verified && proofs.length > 0 && proofs.every(r => r.verified);
}

function messages(result) {
  const out = [];
  const walk = e => {
    if(!e) { return; }
    if(Array.isArray(e)) { e.forEach(walk); return; }
    if(e.message) { out.push(e.message); }
    if(e.errors) { walk(e.errors); }
    if(e.cause) { walk(e.cause); }
  };
  walk(result && result.error);
  for(const r of (result && result.results) || []) { walk(r.error); }
  return out.join(' | ');
}

async function verify(c) {
  const issuer = typeof c.credential.issuer === 'string' ? c.credential.issuer : c.credential.issuer.id;
  // The trust policy, outside the library: only the School issues this certificate.
  if(issuer !== c.school) {
    return {outcome: 'not-school', detail: issuer};
  }
  const documentLoader = loaderFor({[c.school]: c.didDocument});
  let status = null;
  const checkStatus = async ({credential}) => {
    const entry = credential.credentialStatus;
    const listing = c.statusList;
    const listed = await vc.verifyCredential({credential: listing, suite, documentLoader, now: c.now});
    if(!allHold(listed) || listing.issuer !== c.school) {
      status = 'status-unchecked';
      return {verified: false, error: new Error('status list: ' + messages(listed))};
    }
    if(bitAt(listing.credentialSubject.encodedList, parseInt(entry.statusListIndex, 10))) {
      status = 'revoked';
      return {verified: false, error: new Error('revoked')};
    }
    return {verified: true};
  };
  const result = await vc.verifyCredential({
    credential: c.credential, suite, documentLoader, checkStatus, now: c.now});
  const said = messages(result);
  if(!allHold(result)) {
    if(status) { return {outcome: status, detail: said}; }
    if(/after "validUntil"|expired/i.test(said)) { return {outcome: 'expired', detail: said}; }
    if(/before "validFrom"|not yet valid/i.test(said)) { return {outcome: 'not-yet-valid', detail: said}; }
    if(/no such key|not resolvable|not authorized|assertionMethod|controller/i.test(said)) {
      return {outcome: 'unknown-key', detail: said};
    }
    return {outcome: 'changed', detail: said};
  }
  // The School's policy for statements of points: a later statement supersedes this one.
  const achievement = (c.credential.credentialSubject || {}).achievement || {};
  if(achievement.achievementType === 'ext:StatementOfPoints') {
    const [student, file] = c.credential.id.split('statements/').pop().split('/');
    const newest = ((c.statements || {})[student] || {}).date || '';
    if(newest > file.replace(/\.json$/, '')) {
      return {outcome: 'superseded', detail: 'a later statement of ' + newest};
    }
  }
  const proofs = Array.isArray(c.credential.proof) ? c.credential.proof : [c.credential.proof];
  const method = proofs[0].verificationMethod;
  const listed = (c.didDocument.verificationMethod || []).find(m => m.id === method);
  if(listed && listed.publicKeyMultibase === DEVELOPMENT_KEY) {
    return {outcome: 'not-official', detail: 'development key'};
  }
  const host = decodeURIComponent(c.school.slice('did:web:'.length).split(':')[0]);
  if(c.fetchedFrom && new URL(c.fetchedFrom).host !== host) {
    return {outcome: 'not-official', detail: 'copy on ' + new URL(c.fetchedFrom).host};
  }
  return {outcome: 'genuine', detail: ''};
}

const lines = readFileSync(0, 'utf8').split('\n').filter(Boolean);
for(const line of lines) {
  let out;
  try {
    out = await verify(JSON.parse(line));
  } catch(e) {
    out = {outcome: 'unchecked', detail: String(e && e.stack || e)};
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
