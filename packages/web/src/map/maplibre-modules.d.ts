// MapLibre's CSP build (no blob: worker, no eval) has the same API as the main build.
declare module 'maplibre-gl/dist/maplibre-gl-csp.js' {
  export * from 'maplibre-gl';
}

// Vite: the URL of a bundled file.
declare module '*?url' {
  const url: string;
  export default url;
}
