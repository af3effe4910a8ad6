/**
 * Shared helpers for the WebAssembly kernel loaders: base64 decoding and synchronous instantiation of
 * a small embedded module (the generated <name>_module.ts files hold the bytes as base64).
 */

/**
 * The parts of the WebAssembly JS API used here, typed locally: the project compiles against lib
 * ES2022 without DOM, where @types/node does not declare WebAssembly's classes.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Decodes base64 in Node and in browsers. */
export function decodeBase64(s: string): Uint8Array {
  const g = globalThis as { atob?: (s: string) => string; Buffer?: { from(s: string, enc: string): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(s, 'base64'));
  if (typeof g.atob === 'function') {
    const bin = g.atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  throw new Error('wasm: no base64 decoder (Buffer or atob) in this runtime');
}

/**
 * Compiles and instantiates a base64-encoded module synchronously (fine for modules of a few KB;
 * browsers limit synchronous compilation of large modules on the main thread) and returns its exports.
 * Returns null where WebAssembly is missing or rejects the module (e.g. no SIMD support): the caller
 * then keeps its TypeScript kernels.
 */
export function instantiate<T>(base64: string, imports: object = {}): T | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const module = new api.Module(decodeBase64(base64));
    return new api.Instance(module, imports).exports as T;
  } catch {
    return null;
  }
}
