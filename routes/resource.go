package routes

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
)

// Resource is the one generic CRUD piece: a Convex table served as REST
// routes. D is the document, C the create body (and args of <table>:create),
// P the patch body (and args of <table>:update, its id field tagged
// `body:"path"`). It is declared in NewBindings with its bindings; nil
// operations are not served. Immutable once declared.
type Resource[D, C, P any] struct {
	list   lister[D]
	get    *convexclient.Query[IDArgs, D]
	create *convexclient.Mutation[C, string]
	update *convexclient.Mutation[P, Null]
	remove *convexclient.Mutation[IDArgs, Null]
}

// maxDomainBody bounds a create/patch body (the largest valid one, a meeting
// with 100 attendees and 2000-character notes, is about 12 KiB).
const maxDomainBody = 64 << 10

// ResourceHandlers are the Echo handlers of a Resource, for the route table.
// A nil handler means the resource does not offer that operation.
type ResourceHandlers struct {
	List   echo.HandlerFunc // GET    /<name>          → 200 {items, nextCursor}
	Get    echo.HandlerFunc // GET    /<name>/:id      → 200 document
	Create echo.HandlerFunc // POST   /<name>          → 201 {id}
	Update echo.HandlerFunc // PATCH  /<name>/:id      → 204
	Remove echo.HandlerFunc // DELETE /<name>/:id      → 204
}

// listResponse is the answer of every list route. NextCursor is null on the
// last page.
type listResponse[D any] struct {
	Items      []D     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// createdResponse is the answer of every create route.
type createdResponse struct {
	ID string `json:"id"`
}

// resourceHandlers builds the handlers of r for a. Every handler requires a
// signed-in caller (401 otherwise, before any backend call) and runs the
// function with the caller's identity; Convex decides what the caller may do.
func resourceHandlers[D, C, P any](a *API, r *Resource[D, C, P]) ResourceHandlers {
	var h ResourceHandlers
	if r.list != nil {
		_, fast := any(new(D)).(jsonAppender)
		h.List = func(c echo.Context) error {
			if a.principal(c) == nil {
				return errUnauthenticated()
			}
			q := c.QueryParams()
			p, errs := parsePageQuery(q)
			if errs != nil {
				return Invalid(errs)
			}
			items, next, err := r.list(a.convexCtx(c), a.d.Convex, q, p)
			if err != nil {
				return callError(err)
			}
			if items == nil {
				items = []D{}
			}
			if fast {
				return renderList(a, c, items, next)
			}
			return c.JSON(http.StatusOK, listResponse[D]{Items: items, NextCursor: next})
		}
	}
	if r.get != nil {
		h.Get = func(c echo.Context) error {
			id, err := a.docID(c)
			if err != nil {
				return err
			}
			doc, err := r.get.Call(a.convexCtx(c), a.d.Convex, IDArgs{ID: id})
			if err != nil {
				return callError(err)
			}
			return c.JSON(http.StatusOK, doc)
		}
	}
	if r.create != nil {
		spec := newBodySpec[C](false)
		h.Create = func(c echo.Context) error {
			if a.principal(c) == nil {
				return errUnauthenticated()
			}
			body, err := readJSONBody(c)
			if err != nil {
				return err
			}
			args, errs := spec.decode(body)
			if errs != nil {
				return Invalid(errs)
			}
			id, err := r.create.Call(a.convexCtx(c), a.d.Convex, args)
			if err != nil {
				return callError(err)
			}
			return c.JSON(http.StatusCreated, createdResponse{ID: id})
		}
	}
	if r.update != nil {
		spec := newBodySpec[P](true)
		h.Update = func(c echo.Context) error {
			id, err := a.docID(c)
			if err != nil {
				return err
			}
			body, err := readJSONBody(c)
			if err != nil {
				return err
			}
			args, errs := spec.decode(body)
			if errs != nil {
				return Invalid(errs)
			}
			spec.setPathID(&args, id)
			if _, err := r.update.Call(a.convexCtx(c), a.d.Convex, args); err != nil {
				return callError(err)
			}
			return c.NoContent(http.StatusNoContent)
		}
	}
	if r.remove != nil {
		h.Remove = func(c echo.Context) error {
			id, err := a.docID(c)
			if err != nil {
				return err
			}
			if _, err := r.remove.Call(a.convexCtx(c), a.d.Convex, IDArgs{ID: id}); err != nil {
				return callError(err)
			}
			return c.NoContent(http.StatusNoContent)
		}
	}
	return h
}

// callError refines an error of a binding call made with validated input:
// a function whose argument validator still refused the args (for example
// an id of another table, which only Convex can tell) is the caller's
// mistake, a 400, not a backend failure. Other errors pass unchanged to the
// error handler.
func callError(err error) error {
	var fe *convexclient.FunctionError
	if errors.As(err, &fe) && !fe.IsConvexError() && strings.Contains(fe.Message, "ArgumentValidationError") {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Message: "The request does not match what the function accepts (check the ids).", Err: err}
	}
	return err
}

// docID returns the :id path parameter of a request by a signed-in caller:
// 401 without a caller, 400 when it is not a document id.
func (a *API) docID(c echo.Context) (string, error) {
	if a.principal(c) == nil {
		return "", errUnauthenticated()
	}
	id := c.Param("id")
	if !validID(id) {
		return "", Invalid(map[string]string{"id": "must be a document id"})
	}
	return id, nil
}

// readJSONBody reads a JSON request body of at most maxDomainBody bytes.
// A Content-Type other than application/json is a 400 naming it; a larger
// body is a 413.
func readJSONBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	if mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEApplicationJSON {
		return nil, Invalid(map[string]string{"Content-Type": "must be application/json"})
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxDomainBody+1))
	if err != nil {
		return nil, err // the body limit middleware's *echo.HTTPError 413, or a broken connection
	}
	if len(body) > maxDomainBody {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
			Message: "The request body is too large."}
	}
	return body, nil
}
