"""Build a minimal, valid XMP packet with the rights fields agencies and search engines read."""

from __future__ import annotations

from xml.sax.saxutils import escape


def build_xmp(*, title: str, creator: str, rights: str, credit: str, usage_terms: str) -> bytes:
    """An `x:xmpmeta` packet with dc:title/creator/rights, photoshop:Credit, xmpRights."""
    t, c, r, cr, u = (
        escape(v, {'"': "&quot;"}) for v in (title, creator, rights, credit, usage_terms)
    )
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    photoshop:Credit="{cr}"
    xmpRights:Marked="True">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{c}</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{r}</rdf:li></rdf:Alt></dc:rights>
   <xmpRights:UsageTerms>
    <rdf:Alt><rdf:li xml:lang="x-default">{u}</rdf:li></rdf:Alt>
   </xmpRights:UsageTerms>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")
