#pragma once
// Text on pictures drawn with OpenCV, shared by the tracer's plots and `gmmlab figures`.
#include <opencv2/core.hpp>
#include <string>

namespace gmmlab::drawing {

inline constexpr int kFont = 0;  // cv::FONT_HERSHEY_SIMPLEX

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale, cv::Scalar colour, int thickness = 1);
int text_width(const std::string& s, double scale, int thickness = 1);
// Text centred on at.x.
void text_centred(cv::Mat& img, const std::string& s, cv::Point at, double scale, cv::Scalar colour, int thick = 1);
// putText cannot write sideways: draws on a strip of `background`, rotates it and pastes it
// centred on `centre`.
void text_vertical(cv::Mat& img, const std::string& s, cv::Point centre, double scale, cv::Scalar colour,
                   cv::Scalar background = cv::Scalar(255, 255, 255));

}  // namespace gmmlab::drawing
