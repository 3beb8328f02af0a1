/* global window, document */
// Starts Swagger UI on the OpenAPI document. A separate file, not inline, so the page works under
// the default Content-Security-Policy (script-src 'self').
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: true,
    // The public validator is online; the docs must work offline.
    validatorUrl: null,
  });
})();
