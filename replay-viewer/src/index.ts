/**
 * `@vantage/replay-viewer` — 3D session replay. For now: camera pose interpolation, so a replayed
 * camera glides between samples instead of jumping. The viewer itself arrives with the replay issue.
 */
export { cameraPoseAt, createCameraPose, type CameraPose, type CameraSample } from './camera-pose.js';
