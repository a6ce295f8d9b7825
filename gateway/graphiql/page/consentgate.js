// consentgate's GraphiQL page: GraphiQL with the explorer plugin over the
// gateway's GraphQL endpoint. In demo mode the page's configuration holds
// the demo identities' tokens: the first is put in the Authorization
// header, and a role switcher in the footer puts another one there. The
// headers stay editable and are never stored (shouldPersistHeaders: false).
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('consentgate-graphiql').textContent);
  var tokens = config.tokens || [];
  var e = React.createElement;

  // withToken returns the headers JSON text with Authorization set to the
  // token (or removed when there is none), keeping any other header.
  function withToken(text, token) {
    var headers = {};
    try {
      var parsed = JSON.parse(text || '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed;
    } catch (err) { /* replaced */ }
    delete headers.Authorization;
    if (token) headers.Authorization = 'Bearer ' + token;
    return JSON.stringify(headers, null, 2);
  }

  // RoleSwitcher puts the chosen identity's token in the header editor.
  function RoleSwitcher() {
    var editors = GraphiQL.React.useEditorContext({ nonNull: true });
    var state = React.useState('0');
    var choose = function (event) {
      state[1](event.target.value);
      var t = tokens[Number(event.target.value)];
      if (editors.headerEditor) editors.headerEditor.setValue(withToken(editors.headerEditor.getValue(), t && t.token));
    };
    var options = tokens.map(function (t, i) { return e('option', { key: i, value: String(i) }, t.label); });
    options.push(e('option', { key: 'none', value: 'none' }, 'no token (anonymous)'));
    return e('label', { className: 'consentgate-roles' }, 'Demo identity:',
      e('select', { id: 'consentgate-role', value: state[0], onChange: choose }, options));
  }

  var storage = {
    prefix: 'consentgate:',
    getItem: function (k) { return localStorage.getItem(this.prefix + k); },
    setItem: function (k, v) { localStorage.setItem(this.prefix + k, v); },
    removeItem: function (k) { localStorage.removeItem(this.prefix + k); },
    clear: function () {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(this.prefix) === 0) localStorage.removeItem(k);
      }
    },
    get length() {
      var n = 0;
      for (var i = 0; i < localStorage.length; i++) if ((localStorage.key(i) || '').indexOf(this.prefix) === 0) n++;
      return n;
    }
  };

  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var props = {
    fetcher: GraphiQL.createFetcher({ url: new URL(config.endpoint, location.href).href }),
    plugins: [explorer],
    visiblePlugin: explorer,
    storage: storage,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
    defaultQuery: config.defaultQuery
  };
  if (tokens.length > 0) {
    props.headers = withToken('{}', tokens[0].token);
    props.defaultEditorToolsVisibility = 'headers';
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    e(GraphiQL, props, tokens.length > 0 ? e(GraphiQL.Footer, null, e(RoleSwitcher)) : null));
})();
