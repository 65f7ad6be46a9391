"""Public pages of the newsroom app. Every article query starts from
``Article.objects.published()``."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from newsroom.models import Article, Author, Topic

PAGE_SIZE = 20


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """Page ``queryset`` by ``?page=``; anything but a page that exists is a 404."""
    number = request.GET.get("page", "1")
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    try:
        if not number.isdigit():
            raise PageNotAnInteger(number)
        return paginator.page(int(number))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("No such page") from exc


def home(request):
    articles = list(Article.objects.published().for_listing()[:21])
    return render(
        request,
        "newsroom/home.html",
        {"lead": articles[0] if articles else None, "articles": articles[1:]},
    )


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published().prefetch_related("bylines__author", "tags", "countries", "sources", "corrections"),
        slug=slug,
    )
    return render(request, "newsroom/article_detail.html", {"article": article})


def topic_list(request):
    topics = Topic.objects.order_by("name")
    return render(request, "newsroom/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = paginate(request, Article.objects.published().for_listing().filter(tags=topic))
    return render(request, "newsroom/topic_detail.html", {"topic": topic, "page": page})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    page = paginate(request, Article.objects.published().for_listing().filter(bylines__author=author))
    return render(request, "newsroom/author_detail.html", {"author": author, "page": page})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
