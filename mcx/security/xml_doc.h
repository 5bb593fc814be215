// The one libxml2 wrapper of the security layer and the procedures above it: the KMS interface
// XML (TS 33.180 Annex D), the protected signalling bodies (TS 33.180 9.3, TS 24.379 F.1, F.6) and
// the group documents (TS 24.481). Documents are owned (RAII), elements are handles into them; the
// parser refuses any document with a DTD (internal or external subset), so no entity is declared,
// loaded or expanded (billion laughs, XXE), and never touches the network. libxml2 stays behind
// this header.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mcx/security/types.h"

// libxml2's own structs, declared only (xmlDoc, xmlNode, xmlNs).
struct _xmlDoc;
struct _xmlNode;
struct _xmlNs;

namespace mcx::security::xml {

/// A namespace declared on an element of a document (non-owning; null: none).
class Ns {
 public:
  Ns() = default;
  explicit operator bool() const { return ns_ != nullptr; }

 private:
  friend class Node;
  explicit Ns(_xmlNs* ns) : ns_(ns) {}
  _xmlNs* ns_ = nullptr;
};

/// An element of a Document (non-owning: valid while the document lives and the element is in
/// it). A null Node stands for "absent": every query on it answers false, null or "".
class Node {
 public:
  Node() = default;
  explicit operator bool() const { return n_ != nullptr; }

  /// Whether this is an element with this local name in namespace `ns`.
  bool Is(const char* local_name, const char* ns) const;
  /// The local name ("" for a null node).
  std::string_view LocalName() const;
  /// The element's namespace (null if none).
  Ns Namespace() const;
  /// The first child element with this local name and namespace.
  Node Child(const char* local_name, const char* ns) const;
  /// Every child element with this local name and namespace, in document order.
  std::vector<Node> Children(const char* local_name, const char* ns) const;
  /// The first descendant element (children, their children, ...: document order) with this
  /// local name and namespace.
  Node Find(const char* local_name, const char* ns) const;
  bool HasElementChildren() const;
  /// The text content (of all descendant text and CDATA nodes), as is.
  std::string Text() const;
  /// The value of an attribute without namespace ("" if absent).
  std::string Attr(const char* name) const;
  /// The element's content (its children) serialised.
  std::string InnerXml() const;
  /// Inclusive Canonical XML 1.0 (W3C REC-xml-c14n-20010315) of this element and its subtree, as
  /// a document subset: namespaces in scope are rendered on it.
  Bytes Canonical() const;

  /// A new last child element in namespace `ns`, or in this element's namespace when `ns` is null.
  Node AddChild(const char* local_name, Ns ns = Ns());
  /// The same with a text child holding `text` (escaped when serialised).
  Node AddTextChild(const char* local_name, const std::string& text, Ns ns = Ns());
  /// Sets an attribute without namespace, replacing its value if present.
  void SetAttr(const char* name, const std::string& value);
  /// Declares a namespace on this element (prefix null: the default namespace).
  Ns DeclareNs(const char* href, const char* prefix);
  /// Puts this element in namespace `ns` (declared on it or an ancestor).
  void SetNs(Ns ns);
  /// Removes and frees every child (Node handles into them become invalid).
  void RemoveChildren();
  /// Parses `xml` as content in this element's context (its namespaces in scope) and appends it
  /// as children; nothing for empty input. Errors: kXmlMalformed.
  Status AppendParsed(std::string_view xml);

 private:
  friend class Document;
  friend void ForEachElement(Node root, const std::function<bool(Node)>& visit);
  explicit Node(_xmlNode* n) : n_(n) {}
  _xmlNode* n_ = nullptr;
};

/// Visits `root` and its descendant elements in document order; `visit` returns whether to go
/// into the element's children.
void ForEachElement(Node root, const std::function<bool(Node)>& visit);

/// Whether parsing keeps whitespace-only text nodes between elements (kDrop: libxml2 NOBLANKS).
enum class BlankText { kKeep, kDrop };

/// An owned XML document.
class Document {
 public:
  enum class Layout { kAsIs, kIndented };

  /// Parses a document: no DTD (a document with an internal or external subset is refused), no
  /// entity substitution, no network. Errors: kXmlMalformed (not well-formed, no root element, or
  /// a DOCTYPE).
  static Result<Document> Parse(std::string_view xml, BlankText blank_text = BlankText::kKeep);
  /// A new document (XML 1.0) whose root element `root` is in the default namespace `ns`.
  static Document Create(const char* root, const char* ns);

  Node Root() const;
  /// The document with its XML declaration, UTF-8. kIndented indents element-only content.
  std::string Serialize(Layout layout = Layout::kAsIs) const;

 private:
  struct Free {
    void operator()(_xmlDoc* d) const;
  };
  explicit Document(_xmlDoc* d) : doc_(d) {}
  std::unique_ptr<_xmlDoc, Free> doc_;
};

}  // namespace mcx::security::xml
