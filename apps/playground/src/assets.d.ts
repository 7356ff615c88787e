// Stylesheets imported for their side effect; esbuild bundles them into bundle.css.
declare module "*.css";
