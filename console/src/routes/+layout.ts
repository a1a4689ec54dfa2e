// The console is a client app talking to the hub over Socket.IO: no server rendering of live data
// (it would be stale by the time it arrived); the server only serves the shell and the assets.
export const ssr = false;
export const prerender = false;
