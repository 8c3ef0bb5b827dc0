/**
 * Cloud GPU prices, USD per GPU-hour, by GPU and provider: on-demand, spot, and 1-year and
 * 3-year commitments where known. From the shared data's prices/gpu-prices.md (GCP
 * Cyclenerd pricing.yml; AWS, Lambda and RunPod via the SkyPilot catalog), each row with
 * its source. Spot is the low end of the range listed there.
 */
export const GPU_PROVIDERS = ['aws', 'gcp', 'lambda', 'runpod'] as const;
export type GpuProvider = (typeof GPU_PROVIDERS)[number];

export interface GpuPrice {
  readonly gpu: string;
  readonly provider: GpuProvider;
  readonly sku: string;
  readonly onDemand: number | undefined;
  readonly spot: number | undefined;
  readonly reserved1y: number | undefined;
  readonly reserved3y: number | undefined;
  readonly source: string;
  readonly asOf: string;
}

const SKY_AWS = 'skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv @ 00148f2 (via gpu-prices.md)';
const SKY_LAMBDA = 'skypilot-org/skypilot-catalog catalogs/v8/lambda/vms.csv @ 0f40703 (via gpu-prices.md)';
const SKY_RUNPOD = 'skypilot-org/skypilot-catalog catalogs/v8/runpod/vms.csv @ 01acdfd (via gpu-prices.md)';
const GCP = 'Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml @ fd66b26 (generated 2026-07-30; via gpu-prices.md)';
const ASOF = '2026-07';

export const GPU_PRICES: readonly GpuPrice[] = [
  { gpu: 'a100-40gb', provider: 'aws', sku: 'p4d.24xlarge ×8 (us-east-1)', onDemand: 2.745, spot: 0.98, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'a100-40gb', provider: 'gcp', sku: 'a2-highgpu-1g (us-central1)', onDemand: 3.673, spot: 1.928, reserved1y: 2.314, reserved3y: 1.286, source: GCP, asOf: ASOF },
  { gpu: 'a100-40gb', provider: 'lambda', sku: 'gpu_1x_a100', onDemand: 1.99, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_LAMBDA, asOf: ASOF },
  { gpu: 'a100-80gb', provider: 'aws', sku: 'p4de.24xlarge ×8 (us-east-1)', onDemand: 3.431, spot: 1.08, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'a100-80gb', provider: 'gcp', sku: 'a2-ultragpu-1g (us-central1)', onDemand: 5.069, spot: 2.76, reserved1y: undefined, reserved3y: undefined, source: GCP, asOf: ASOF },
  { gpu: 'a100-80gb', provider: 'lambda', sku: 'gpu_8x_a100_80gb_sxm4', onDemand: 2.79, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_LAMBDA, asOf: ASOF },
  { gpu: 'a100-80gb', provider: 'runpod', sku: '1x_A100-80GB_SECURE (PCIe)', onDemand: 1.39, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_RUNPOD, asOf: ASOF },
  { gpu: 'h100-sxm', provider: 'aws', sku: 'p5.48xlarge ×8 (us-east-1)', onDemand: 6.88, spot: 2.2, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'h100-sxm', provider: 'gcp', sku: 'a3-highgpu-8g (us-central1)', onDemand: 11.061, spot: 6.326, reserved1y: 7.673, reserved3y: 4.858, source: GCP, asOf: ASOF },
  { gpu: 'h100-sxm', provider: 'lambda', sku: 'gpu_8x_h100_sxm5', onDemand: 3.99, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_LAMBDA, asOf: ASOF },
  { gpu: 'h100-pcie', provider: 'lambda', sku: 'gpu_1x_h100_pcie', onDemand: 3.29, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_LAMBDA, asOf: ASOF },
  { gpu: 'h200', provider: 'aws', sku: 'p5en.48xlarge ×8 (us-east-1)', onDemand: 7.912, spot: 2.07, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'l4', provider: 'aws', sku: 'g6.xlarge (us-east-1)', onDemand: 0.805, spot: 0.349, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'l4', provider: 'gcp', sku: 'g2-standard-4 (us-central1)', onDemand: 0.707, spot: 0.397, reserved1y: 0.445, reserved3y: 0.318, source: GCP, asOf: ASOF },
  { gpu: 'a10g', provider: 'aws', sku: 'g5.xlarge (us-east-1)', onDemand: 1.006, spot: 0.425, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'l40s', provider: 'aws', sku: 'g6e.xlarge (us-east-2)', onDemand: 1.861, spot: 0.526, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'b200', provider: 'aws', sku: 'p6-b200.48xlarge ×8 (us-east-1)', onDemand: 14.242, spot: 2.63, reserved1y: undefined, reserved3y: undefined, source: SKY_AWS, asOf: ASOF },
  { gpu: 'b200', provider: 'lambda', sku: 'gpu_8x_b200_sxm6', onDemand: 6.69, spot: undefined, reserved1y: undefined, reserved3y: undefined, source: SKY_LAMBDA, asOf: ASOF },
];

export function findGpuPrice(gpu: string, provider: GpuProvider): GpuPrice | undefined {
  return GPU_PRICES.find((p) => p.gpu === gpu && p.provider === provider);
}
