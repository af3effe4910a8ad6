/**
 * W3 of bench-spec.md — the course network: 400-25-10, sigmoid hidden and output layers, the
 * logistic loss summed over the 10 classes and averaged over the m = 5000 rows,
 * J = −(1/m) Σᵢ Σₖ [y log h + (1−y) log(1−h)], plain full-batch gradient descent with lr 1.0.
 * Built from @tapegrad/nn's Linear, Sigmoid, Sequential and binaryCrossEntropy.
 */
import { labels, uniform } from './data.mjs';
import { noGrad, tensor } from '../packages/core/src/index';
import { Linear, Sequential, Sigmoid, binaryCrossEntropy } from '../packages/nn/src/index';
import { emit, median, result, type BenchResult, backendParams } from './harness';
import { courseSteps } from './timing.mjs';

const M = 5000, IN = 400, HIDDEN = 25, OUT = 10, LR = 1.0;

export function run(): BenchResult[] {
  const X = tensor(uniform(3, M * IN, 0, 1), { shape: [M, IN] });
  const y = labels(4, M, OUT);
  const onehot = new Float32Array(M * OUT);
  for (let i = 0; i < M; i++) onehot[i * OUT + y[i]!] = 1;
  const Y = tensor(onehot, { shape: [M, OUT] });

  const l1 = new Linear(IN, HIDDEN);
  const l2 = new Linear(HIDDEN, OUT);
  l1.weight.data.set(uniform(21, IN * HIDDEN, -0.12, 0.12));
  l2.weight.data.set(uniform(22, HIDDEN * OUT, -0.12, 0.12));
  l1.bias!.data.fill(0);
  l2.bias!.data.fill(0);
  const model = new Sequential(l1, new Sigmoid(), l2, new Sigmoid());
  const params = model.parameters();

  // One step: forward, loss (summed over classes, averaged over rows), backward, update, loss read back.
  const step = (): number => {
    const h = model.forward(X);
    const loss = binaryCrossEntropy(h, Y, { reduction: 'sum' }).div(M);
    model.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const p of params) p.data.set(p.sub(p.grad!.mul(LR)).data);
    });
    return loss.item();
  };

  const { losses, times } = courseSteps(step);
  const params_ = { m: M, layers: '400-25-10', reps: times.length, dtype: 'float32', ...backendParams() };
  return [
    result('W3', params_, 'steps_per_s', 1000 / median(times), 'steps/s'),
    result('W3', params_, 'check_loss_first', losses[0]!, ''),
    // The loss computed by step 23 (before its update), as in the spec.
    result('W3', params_, 'check_loss_last', losses[22]!, ''),
  ];
}

emit(run());
