/**
 * GPUs that replicas run on: memory, bandwidth, dense tensor throughput, and the link used
 * for tensor parallelism. Figures are datasheet peaks; efficiencies live in serving/.
 * Every row carries its source and the date it was read.
 */
export interface GpuSpec {
  readonly id: string;
  readonly name: string;
  /** HBM/GDDR capacity, decimal GB, as the datasheet names it. */
  readonly memGB: number;
  /**
   * Device memory the driver reports (nvidia-smi "Total", MiB): what an engine actually
   * divides between weights and KV cache. "80 GB" parts hold about 80 GiB, 7% more than
   * 80 decimal GB.
   */
  readonly memMiB: number;
  readonly bwTBps: number;
  /** Dense BF16 tensor TFLOPS (no sparsity). */
  readonly bf16Tflops: number;
  /** Dense FP8 tensor TFLOPS; undefined where the GPU has no FP8 tensor cores (FP8 weights then compute in BF16). */
  readonly fp8Tflops: number | undefined;
  /** Per-GPU bandwidth of the tensor-parallel link (NVLink, else PCIe), GB/s one direction. */
  readonly linkGBps: number;
  readonly link: 'nvlink' | 'pcie';
  readonly source: string;
  readonly asOf: string;
}

/** Where memMiB comes from. */
export const GPU_MEMORY_SOURCE = 'nvidia-smi "Total" memory of each part as printed in public logs (e.g. H100 SXM 81559MiB, A100 80GB 81920MiB, L40S 46068MiB), read 2026-11';

const GPU_SPECS_CSV = 'shared data prices/gpu-specs.csv (NVIDIA datasheets cited per row there)';

export const GPUS: readonly GpuSpec[] = [
  {
    id: 'a10g', name: 'NVIDIA A10G 24GB (AWS G5)', memGB: 24, memMiB: 23028, bwTBps: 0.6, bf16Tflops: 70, fp8Tflops: undefined, linkGBps: 32, link: 'pcie',
    source: 'memory and bandwidth: gpu-specs.csv / https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/ (A10G 70 BF16 TFLOPS vs A10 125; NVIDIA publishes no A10G datasheet); PCIe Gen4 x16',
    asOf: '2025-01',
  },
  {
    id: 'l4', name: 'NVIDIA L4 24GB', memGB: 24, memMiB: 23034, bwTBps: 0.3, bf16Tflops: 121, fp8Tflops: 242, linkGBps: 32, link: 'pcie',
    source: `${GPU_SPECS_CSV}; https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet (FP8 485 sparse = 242 dense)`,
    asOf: '2025-01',
  },
  {
    id: 'l40s', name: 'NVIDIA L40S 48GB', memGB: 48, memMiB: 46068, bwTBps: 0.864, bf16Tflops: 362, fp8Tflops: 733, linkGBps: 32, link: 'pcie',
    source: `${GPU_SPECS_CSV}; https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413 (FP8 1466 sparse = 733 dense)`,
    asOf: '2025-01',
  },
  {
    id: 'a100-40gb', name: 'NVIDIA A100 SXM4 40GB', memGB: 40, memMiB: 40960, bwTBps: 1.555, bf16Tflops: 312, fp8Tflops: undefined, linkGBps: 300, link: 'nvlink',
    source: `${GPU_SPECS_CSV}; NVLink 3: 600 GB/s bidirectional per GPU (A100 datasheet)`,
    asOf: '2025-01',
  },
  {
    id: 'a100-80gb', name: 'NVIDIA A100 SXM4 80GB', memGB: 80, memMiB: 81920, bwTBps: 2.039, bf16Tflops: 312, fp8Tflops: undefined, linkGBps: 300, link: 'nvlink',
    source: `${GPU_SPECS_CSV}; NVLink 3: 600 GB/s bidirectional per GPU (A100 datasheet)`,
    asOf: '2025-01',
  },
  {
    id: 'h100-sxm', name: 'NVIDIA H100 SXM5 80GB', memGB: 80, memMiB: 81559, bwTBps: 3.35, bf16Tflops: 989, fp8Tflops: 1979, linkGBps: 450, link: 'nvlink',
    source: `${GPU_SPECS_CSV}; https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet (FP8 3958 sparse; NVLink 4: 900 GB/s bidirectional)`,
    asOf: '2025-01',
  },
  {
    id: 'h100-pcie', name: 'NVIDIA H100 PCIe 80GB', memGB: 80, memMiB: 81559, bwTBps: 2.0, bf16Tflops: 756, fp8Tflops: 1513, linkGBps: 64, link: 'pcie',
    source: `${GPU_SPECS_CSV}; H100 PCIe product brief PB-11133-001 (FP8 3026 sparse; PCIe Gen5 x16 128 GB/s bidirectional)`,
    asOf: '2025-01',
  },
  {
    id: 'h200', name: 'NVIDIA H200 SXM 141GB', memGB: 141, memMiB: 143771, bwTBps: 4.8, bf16Tflops: 989, fp8Tflops: 1979, linkGBps: 450, link: 'nvlink',
    source: `${GPU_SPECS_CSV}; https://www.nvidia.com/en-us/data-center/h200/ (FP8 3958 sparse; NVLink 900 GB/s bidirectional)`,
    asOf: '2025-01',
  },
  {
    id: 'b200', name: 'NVIDIA B200 180GB (HGX)', memGB: 180, memMiB: 183359, bwTBps: 7.7, bf16Tflops: 2250, fp8Tflops: 4500, linkGBps: 900, link: 'nvlink',
    source: 'https://www.nvidia.com/en-us/data-center/hgx/ HGX B200 (8 GPUs: 1,440 GB, 62 TB/s, BF16 36 PF and FP8 72 PF sparse → per GPU dense 2.25 / 4.5 PF); NVLink 5: 1.8 TB/s bidirectional',
    asOf: '2025-06',
  },
];
