/**
 * The viewer's stylesheet: injected once per document, every class prefixed `vantage-replay`,
 * so it neither leaks into the host page nor depends on it. Override any rule in your own CSS.
 */

const STYLE_ID = 'vantage-replay-styles';

const CSS = `
.vantage-replay{position:relative;display:flex;flex-direction:column;width:100%;height:100%;min-height:240px;font:13px/1.3 system-ui,sans-serif;color:#0f172a;background:#f8fafc;outline:none}
.vantage-replay:focus-visible{box-shadow:inset 0 0 0 2px #2563eb}
.vantage-replay-stage{position:relative;flex:1;min-height:0;overflow:hidden;background:#1e293b}
.vantage-replay-stage canvas{position:absolute;display:block}
.vantage-replay-cursor{position:absolute;left:0;top:0;width:14px;height:14px;margin:-7px 0 0 -7px;border:2px solid #e11d48;border-radius:50%;pointer-events:none;display:none}
.vantage-replay-bar{display:flex;align-items:center;gap:8px;padding:6px 8px;border-top:1px solid #cbd5e1;background:#f1f5f9}
.vantage-replay-bar button,.vantage-replay-bar select{font:inherit;padding:2px 8px;border:1px solid #94a3b8;border-radius:4px;background:#fff;color:inherit;cursor:pointer}
.vantage-replay-bar button.vantage-replay-play{min-width:2.6em}
.vantage-replay-time{font-variant-numeric:tabular-nums;white-space:nowrap}
.vantage-replay-timeline{position:relative;flex:1;height:22px;cursor:pointer;touch-action:none}
.vantage-replay-track{position:absolute;left:0;right:0;top:9px;height:4px;border-radius:2px;background:#cbd5e1}
.vantage-replay-gap{position:absolute;top:5px;height:12px;background:repeating-linear-gradient(45deg,#cbd5e1 0 3px,#e2e8f0 3px 6px);border-radius:2px}
.vantage-replay-marker{position:absolute;top:4px;width:4px;height:14px;margin-left:-2px;padding:0!important;border:0!important;border-radius:1px!important;background:#f59e0b!important;cursor:pointer}
.vantage-replay-marker[data-kind=custom]{background:#7c3aed!important}
.vantage-replay-marker[data-kind=error]{background:#dc2626!important;width:6px;margin-left:-3px}
.vantage-replay-playhead{position:absolute;top:1px;width:2px;height:20px;margin-left:-1px;background:#0f172a;pointer-events:none}
.vantage-replay-skip{display:flex;align-items:center;gap:4px;white-space:nowrap}
.vantage-replay-live{padding:1px 6px;border-radius:3px;background:#dc2626;color:#fff;font-weight:600;font-size:11px}
.vantage-replay [hidden]{display:none!important}
`;

/** Add the stylesheet to `doc` unless it is there already. */
export function injectStyles(doc: Document): void {
  if (doc.getElementById(STYLE_ID) !== null) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  doc.head.append(style);
}
