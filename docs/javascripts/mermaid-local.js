/* Mermaid for hand-written ```mermaid blocks, served from this site (pinned: mermaid
   11.6.0 from npm, sha256 3a93016a73dc82ba890d919f9bbb176f3da9d98341650c0b517f2595cc68fef8,
   MIT, see vendor/mermaid-LICENSE.txt). Material only fetches Mermaid from unpkg.com when
   no `mermaid` global exists, so defining it first keeps pages working offline. Written
   in only on pages that have a diagram, as a parser-blocking script, so it is defined
   before Material's bundle looks for it and costs nothing elsewhere. Generated lineage
   diagrams are inline SVG and need none of this. */
(function () {
  var me = document.currentScript;
  if (!me || !document.querySelector(".mermaid")) return;
  var src = me.src.replace(/mermaid-local\.js(\?.*)?$/, "vendor/mermaid-11.6.0.min.js");
  document.write('<script src="' + src + '"><\/script>');
})();
