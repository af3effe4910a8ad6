import { afterEach, describe, expect, it } from 'vitest';
import { kernels, resetKernels, setKernel } from '../../src/kernels/registry';
import { tsKernels } from '../../src/kernels/ts/index';
import type { KernelName, Kernels } from '../../src/kernels/kernels';
import { exp, add, tensor } from '../../src/index';

afterEach(() => resetKernels());

describe('kernels', () => {
  it('starts as the plain TypeScript set, as a separate object', () => {
    expect(kernels).not.toBe(tsKernels);
    for (const name of Object.keys(tsKernels) as KernelName[]) {
      expect(typeof kernels[name]).toBe('function');
      expect(kernels[name]).toBe(tsKernels[name]);
    }
  });
});

describe('setKernel', () => {
  it('replaces one kernel and returns the previous one', () => {
    const original = kernels.unary;
    const replacement: Kernels['unary'] = () => {};
    const previous = setKernel('unary', replacement);
    expect(previous).toBe(original);
    expect(kernels.unary).toBe(replacement);
    // Others are untouched.
    expect(kernels.binary).toBe(tsKernels.binary);
    // A second replacement returns the first one.
    expect(setKernel('unary', original)).toBe(replacement);
  });

  it('ops use the replacement: a wrapped unary counts the calls exp makes, and can delegate', () => {
    const calls: string[] = [];
    const previous = setKernel('unary', (op, x, out, p0, p1) => {
      calls.push(op);
      previous(op, x, out, p0, p1);
    });
    const y = exp(tensor([0, 1]));
    expect(calls).toEqual(['exp']);
    expect(y.data[0]).toBe(1);
    expect(y.data[1]).toBeCloseTo(Math.E, 6);
    exp(tensor([2]));
    expect(calls).toEqual(['exp', 'exp']);
  });

  it('a replacement changes the results of ops (binary)', () => {
    setKernel('binary', (_op, _a, _aShape, _b, _bShape, out) => { out.fill(42); });
    expect([...add(tensor([1, 2]), tensor([3, 4])).data]).toEqual([42, 42]);
  });

  it('throws on an unknown kernel name, listing the known ones', () => {
    expect(() => setKernel('conv2d' as KernelName, (() => {}) as never)).toThrow(/^setKernel: unknown kernel 'conv2d'; known kernels: unary, binary, /);
    expect(kernels).not.toHaveProperty('conv2d');
  });

  it('rejects inherited property names (constructor, __proto__, toString)', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(() => setKernel(name as KernelName, (() => {}) as never)).toThrow(`setKernel: unknown kernel '${name}'`);
    }
    expect(Object.getPrototypeOf(kernels)).toBe(Object.prototype);
  });

  it('throws when the implementation is not a function', () => {
    expect(() => setKernel('unary', 'fast' as never)).toThrow("setKernel: the implementation of 'unary' must be a function");
    expect(() => setKernel('matmul', undefined as never)).toThrow(/'matmul' must be a function/);
    expect(kernels.unary).toBe(tsKernels.unary);
  });
});

describe('resetKernels', () => {
  it('restores every plain TypeScript kernel', () => {
    setKernel('unary', () => {});
    setKernel('reduce', () => {});
    resetKernels();
    for (const name of Object.keys(tsKernels) as KernelName[]) expect(kernels[name]).toBe(tsKernels[name]);
    expect(exp(tensor([0])).data[0]).toBe(1);
  });

  it('keeps the same kernels object (ops read it at call time)', () => {
    const ref = kernels;
    setKernel('unary', () => {});
    resetKernels();
    expect(kernels).toBe(ref);
  });
});

describe('backends', () => {
  it('setBackend switches the matmul kernel and getBackend reports it; resetKernels returns to ts', async () => {
    const { setBackend, getBackend, getNumThreads, kernels, resetKernels } = await import('../../src/index');
    const { wasmMatmul } = await import('../../src/kernels/wasm/gemm');
    const { tsKernels } = await import('../../src/kernels/ts');
    try {
      setBackend('ts');
      expect(kernels.matmul).toBe(tsKernels.matmul);
      expect(getBackend()).toMatchObject({ name: 'ts', threads: 1, wasmKernels: [] });
      setBackend('wasm');
      expect(kernels.matmul).toBe(wasmMatmul);
      expect(getBackend()).toMatchObject({ name: 'wasm', simd: true, threads: getNumThreads() });
      expect(getBackend().wasmKernels).toContain('matmul');
      resetKernels();
      expect(getBackend().name).toBe('ts');
      expect(() => setBackend('gpu' as never)).toThrow(/setBackend: unknown backend 'gpu'; use 'ts' or 'wasm'/);
    } finally {
      setBackend('ts'); // this project pins the TypeScript reference (TAPEGRAD_BACKEND=ts)
    }
  });
  it('both backends give the same product within float32 rounding through the public op', async () => {
    const { setBackend, matmul, randn, Generator } = await import('../../src/index');
    const g = new Generator(5);
    const a = randn([40, 70], { generator: g }), b = randn([70, 30], { generator: g });
    setBackend('wasm');
    const w = matmul(a, b).data;
    setBackend('ts');
    const t = matmul(a, b).data;
    t.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
  });
});
