// The libxml2 wrapper (xml_doc.h): parsing without DTDs (XML 1.0 section 2.8: a DOCTYPE may
// declare entities, the source of entity expansion and external-entity attacks; none of the
// documents we read, TS 33.180 Annex D, TS 24.379, TS 24.481, has one), element queries,
// building, serialising and Canonical XML 1.0 (W3C REC-xml-c14n-20010315).
#include "mcx/security/xml_doc.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <cstring>

namespace mcx::security::xml {

namespace {

// NONET: never fetch; without NOENT and DTDLOAD no entity is substituted and no external subset
// loaded (and a document with a subset is refused anyway).
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

struct XmlFree {
  void operator()(xmlChar* s) const { xmlFree(s); }
};
using XmlString = std::unique_ptr<xmlChar, XmlFree>;

std::string ToString(const XmlString& s) { return s ? reinterpret_cast<const char*>(s.get()) : ""; }

}  // namespace

// ---- Node: reading ----

bool Node::Is(const char* local_name, const char* ns) const {
  return n_ && n_->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n_->name), local_name) == 0 &&
         n_->ns && std::strcmp(reinterpret_cast<const char*>(n_->ns->href), ns) == 0;
}

std::string_view Node::LocalName() const { return n_ ? reinterpret_cast<const char*>(n_->name) : ""; }

Ns Node::Namespace() const { return Ns(n_ ? n_->ns : nullptr); }

Node Node::Child(const char* local_name, const char* ns) const {
  for (xmlNode* c = n_ ? n_->children : nullptr; c; c = c->next)
    if (Node(c).Is(local_name, ns)) return Node(c);
  return Node();
}

std::vector<Node> Node::Children(const char* local_name, const char* ns) const {
  std::vector<Node> out;
  for (xmlNode* c = n_ ? n_->children : nullptr; c; c = c->next)
    if (Node(c).Is(local_name, ns)) out.push_back(Node(c));
  return out;
}

Node Node::Find(const char* local_name, const char* ns) const {
  for (xmlNode* c = n_ ? n_->children : nullptr; c; c = c->next) {
    if (Node(c).Is(local_name, ns)) return Node(c);
    if (Node deep = Node(c).Find(local_name, ns)) return deep;
  }
  return Node();
}

bool Node::HasElementChildren() const {
  for (xmlNode* c = n_ ? n_->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return true;
  return false;
}

std::string Node::Text() const { return n_ ? ToString(XmlString(xmlNodeGetContent(n_))) : ""; }

std::string Node::Attr(const char* name) const { return n_ ? ToString(XmlString(xmlGetProp(n_, X(name)))) : ""; }

std::string Node::InnerXml() const {
  if (!n_) return "";
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buf(xmlBufferCreate(), xmlBufferFree);
  for (xmlNode* c = n_->children; c; c = c->next) xmlNodeDump(buf.get(), n_->doc, c, 0, 0);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())), xmlBufferLength(buf.get()));
}

Bytes Node::Canonical() const {
  if (!n_) return {};
  // The document subset is the apex and everything below it; a namespace node is visible when
  // its element is.
  struct Ctx {
    xmlNode* apex;
  } ctx{n_};
  auto visible = [](void* user, xmlNodePtr node, xmlNodePtr parent) -> int {
    xmlNode* a = static_cast<Ctx*>(user)->apex;
    for (xmlNode* p = node->type == XML_NAMESPACE_DECL ? parent : node; p; p = p->parent)
      if (p == a) return 1;
    return 0;
  };
  std::unique_ptr<xmlOutputBuffer, decltype(&xmlOutputBufferClose)> out(xmlAllocOutputBuffer(nullptr),
                                                                        xmlOutputBufferClose);
  xmlC14NExecute(n_->doc, visible, &ctx, XML_C14N_1_0, nullptr, 0, out.get());
  const xmlChar* content = xmlOutputBufferGetContent(out.get());
  return Bytes(content, content + xmlOutputBufferGetSize(out.get()));
}

// ---- Node: building ----

Node Node::AddChild(const char* local_name, Ns ns) { return Node(xmlNewChild(n_, ns.ns_, X(local_name), nullptr)); }

Node Node::AddTextChild(const char* local_name, const std::string& text, Ns ns) {
  return Node(xmlNewTextChild(n_, ns.ns_, X(local_name), X(text.c_str())));
}

void Node::SetAttr(const char* name, const std::string& value) { xmlSetProp(n_, X(name), X(value.c_str())); }

Ns Node::DeclareNs(const char* href, const char* prefix) { return n_ ? Ns(xmlNewNs(n_, X(href), X(prefix))) : Ns(); }

void Node::SetNs(Ns ns) { xmlSetNs(n_, ns.ns_); }

void Node::RemoveChildren() {
  while (n_ && n_->children) {
    xmlNode* c = n_->children;
    xmlUnlinkNode(c);
    xmlFreeNode(c);
  }
}

Status Node::AppendParsed(std::string_view xml) {
  if (xml.empty()) return Status::Ok();
  if (xml.size() > INT_MAX) return Error::kXmlMalformed;
  xmlNode* list = nullptr;  // freed by libxml2 on error
  if (xmlParseInNodeContext(n_, xml.data(), static_cast<int>(xml.size()), kParseOptions, &list) != XML_ERR_OK)
    return Error::kXmlMalformed;
  for (xmlNode* c = list; c;) {
    xmlNode* next = c->next;
    xmlUnlinkNode(c);
    xmlAddChild(n_, c);
    c = next;
  }
  return Status::Ok();
}

void ForEachElement(Node root, const std::function<bool(Node)>& visit) {
  if (!root || !visit(root)) return;
  for (xmlNode* c = root.n_->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) ForEachElement(Node(c), visit);
}

// ---- Document ----

void Document::Free::operator()(xmlDoc* d) const { xmlFreeDoc(d); }

Result<Document> Document::Parse(std::string_view xml, BlankText blank_text) {
  if (xml.size() > INT_MAX) return Error::kXmlMalformed;  // libxml2 takes an int length
  const int flags = kParseOptions | (blank_text == BlankText::kDrop ? XML_PARSE_NOBLANKS : 0);
  Document doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "in-memory.xml", nullptr, flags));
  if (!doc.doc_ || !xmlDocGetRootElement(doc.doc_.get())) return Error::kXmlMalformed;
  if (doc.doc_->intSubset || doc.doc_->extSubset) return Error::kXmlMalformed;  // a DOCTYPE
  return doc;
}

Document Document::Create(const char* root, const char* ns) {
  Document doc(xmlNewDoc(X("1.0")));
  xmlNode* r = xmlNewNode(nullptr, X(root));
  xmlSetNs(r, xmlNewNs(r, X(ns), nullptr));
  xmlDocSetRootElement(doc.doc_.get(), r);
  return doc;
}

Node Document::Root() const { return Node(xmlDocGetRootElement(doc_.get())); }

std::string Document::Serialize(Layout layout) const {
  xmlChar* raw = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc_.get(), &raw, &size, "UTF-8", layout == Layout::kIndented ? 1 : 0);
  const XmlString buf(raw);
  return buf ? std::string(reinterpret_cast<const char*>(buf.get()), static_cast<size_t>(size)) : "";
}

}  // namespace mcx::security::xml
