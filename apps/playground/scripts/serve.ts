import { DIST, buildPage } from "./build.js";
import { serveDirectory } from "./static-server.js";

// Build the page, then serve it from 127.0.0.1 on $PORT (default 5173).
const port = Number(process.env.PORT ?? 5173);
await buildPage();
const { url } = await serveDirectory(DIST, port);
console.log(`lintra playground: ${url}  (Ctrl+C stops)`);
