// Starts the vendored Swagger UI on /api/docs; a separate file because the CSP allows no inline script.
(function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: node.getAttribute("data-spec"), domNode: node, deepLinking: true, tryItOutEnabled: false });
})();
