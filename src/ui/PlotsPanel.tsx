import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { EpisodeTrace, type TraceState } from '../app/episodeTrace';
import { histogram } from '../app/histogram';
import type { PolicyController } from '../app/policyController';
import type { Session } from '../app/session';

const JOINTS = ['pan', 'lift', 'elbow', 'flex', 'roll', 'grip'];
const COLORS = ['#ff6b6b', '#ffd166', '#06d6a0', '#4cc9f0', '#b388ff', '#f8f9fa'];
const WIDTH = 310;
/** How often the plots refresh during a run (ms): the trace grows per tick, the charts need not. */
const REFRESH = 500;

const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#2a2f38', width: 1 }, ticks: { stroke: '#2a2f38', width: 1 } };

/** A uPlot chart owned by a div; rebuilt when its options change, fed new data otherwise. */
function useChart(opts: () => uPlot.Options, data: uPlot.AlignedData, key: string) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series layout (key) changes
  useEffect(() => {
    if (!ref.current) return;
    chart.current = new uPlot(opts(), data, ref.current);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [key]);
  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);
  return ref;
}

function traceData(t: TraceState, which: 'targets' | 'measured'): uPlot.AlignedData {
  return [t.time, ...t[which]];
}

/** The last run: each joint's commanded target over time, and the policy's latency histogram. */
export function PlotsPanel({ session, policy }: { session: Session; policy: PolicyController }) {
  const [trace] = useState(() => new EpisodeTrace(session));
  useEffect(() => () => trace.dispose(), [trace]);
  const t = useSyncExternalStore(trace.store.subscribe, trace.store.get);
  const running = useSyncExternalStore(session.store.subscribe, () => session.store.get().status === 'running');
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => trace.publish(), REFRESH);
    return () => clearInterval(id);
  }, [running, trace]);

  const [lat, setLat] = useState<readonly number[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read the loop's latencies whenever the trace moves
  useEffect(() => setLat([...policy.latencies('round trip')]), [t.version, policy]);

  const actions = useChart(
    () => ({
      width: WIDTH,
      height: 170,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [{ ...AXIS, label: 's' }, { ...AXIS, size: 36 }],
      series: [{ label: 't' }, ...JOINTS.map((label, i) => ({ label, stroke: COLORS[i], width: 1.5, points: { show: false } }))],
    }),
    traceData(t, 'targets'),
    'actions',
  );

  const h = histogram(lat, 20);
  const mids = h.edges.slice(0, -1).map((e, i) => (e + h.edges[i + 1]) / 2);
  const hist = useChart(
    () => ({
      width: WIDTH,
      height: 130,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [{ ...AXIS, label: 'ms' }, { ...AXIS, size: 36 }],
      series: [{}, { label: 'round trips', stroke: '#4cc9f0', fill: '#4cc9f055', paths: uPlot.paths.bars?.({ size: [0.9, 40] }), points: { show: false } }],
    }),
    [mids, h.counts],
    'latency',
  );

  const sorted = [...lat].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] : Number.NaN);
  return (
    <section className="plots" data-testid="plots">
      <h3 className="plot-title">Last run: joint targets ({t.driver === 'none' ? 'no run yet' : t.driver})</h3>
      <div ref={actions} data-testid="plot-actions" data-ticks={t.time.length} />
      <h3 className="plot-title">Policy latency, capture to chunk (last policy run)</h3>
      <div ref={hist} data-testid="plot-latency" data-samples={lat.length} />
      <p className="message" data-testid="latency-summary">
        {lat.length === 0 ? 'No policy run yet.' : `${lat.length} inferences · p50 ${q(0.5).toFixed(1)} ms · p95 ${q(0.95).toFixed(1)} ms · max ${sorted[sorted.length - 1].toFixed(1)} ms`}
      </p>
    </section>
  );
}
